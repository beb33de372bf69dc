package io.cascade.relay;

public final class RelayCommand {
    public static void main(String[] args) {}
}
