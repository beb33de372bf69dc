package io.cascade.edge;

public final class EdgeCommand {
    public static void main(String[] args) {}
}
