package io.cascade.bench.footprint;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The classes a JVM holds, from {@code jcmd <pid> VM.classes}: how many, how many it mapped from a class-data
 * archive (flag {@code S}), how many it generated at run time (hidden classes: lambdas, method-handle forms; dynamic
 * proxies), and the packages with the most. Class metadata is most of what a one-site edge's memory holds beyond the
 * JVM's own, so a change that loads fewer classes is a change that shrinks it.
 *
 * @param loaded    classes loaded (instance and array classes' element types as the JVM lists them)
 * @param shared    of those, mapped from a class-data archive (the JDK's or the edge's own)
 * @param generated of those, defined at run time and not mapped from an archive: hidden classes (lambdas,
 *                  method-handle forms, string concatenations) and dynamic proxies
 * @param packages  the {@value #TOP} packages with the most classes, most first (a nested class counts with its package)
 */
public record ClassCensus(int loaded, int shared, int generated, Map<String, Integer> packages) {

    /** How many packages {@link #packages} keeps. */
    static final int TOP = 12;

    /**
     * Reads {@code VM.classes}' table: a header line, then "KlassAddr Size State [Flags] ClassName" per class; the
     * flags column is empty for some classes.
     */
    static ClassCensus parse(String vmClasses) {
        int loaded = 0;
        int shared = 0;
        int generated = 0;
        Map<String, Integer> byPackage = new TreeMap<>();
        for (String line : vmClasses.split("\n")) {
            String[] cols = line.strip().split("\\s+");
            if (cols.length < 4 || !cols[0].startsWith("0x")) {
                continue; // the pid line, the header
            }
            String name = cols[cols.length - 1];
            String flags = cols.length >= 5 ? cols[cols.length - 2] : "";
            loaded++;
            if (flags.contains("S")) {
                shared++;
            } else if (name.contains("/0x") || name.contains(".$Proxy")) {
                generated++;
            }
            byPackage.merge(packageOf(name), 1, Integer::sum);
        }
        Map<String, Integer> top = new LinkedHashMap<>();
        byPackage.entrySet().stream()
                .sorted(Map.Entry.<String, Integer>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .limit(TOP)
                .forEach(e -> top.put(e.getKey(), e.getValue()));
        return new ClassCensus(loaded, shared, generated, top);
    }

    /** "java.lang.invoke" for "java.lang.invoke.LambdaForm$MH/0x0000..."; "" for the unnamed package. */
    static String packageOf(String className) {
        String outer = className.replaceAll("/0x[0-9a-fA-F]+$", "");
        int dollar = outer.indexOf('$');
        if (dollar >= 0) {
            outer = outer.substring(0, dollar);
        }
        int dot = outer.lastIndexOf('.');
        return dot < 0 ? "" : outer.substring(0, dot);
    }
}
