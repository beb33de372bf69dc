package io.cascade.bench;

public final class BenchCommand {
    public static void main(String[] args) {}
}
