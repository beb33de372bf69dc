package io.cascade.topology;

public final class Placeholder {}
