package io.cascade.cli;

public final class Cascade {
    public static void main(String[] args) {}
}
