package io.cascade.hub;

public final class HubCommand {
    public static void main(String[] args) {}
}
