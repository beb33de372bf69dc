package io.cascade.bench;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * A scenario's result: written as {@code <stem>.json} (the record itself, machine-readable) and
 * {@code <stem>.md} (its tables) by {@link ScenarioCommand}.
 */
public interface BenchReport {

    ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** The file name without extension, e.g. {@code fanout-10000}. */
    @JsonIgnore
    String fileStem();

    /** The tables, as Markdown. */
    String markdown();

    /** False when the run did not do what it measures (a missed delivery, an edge that never applied). */
    @JsonIgnore
    boolean complete();

    /** Why {@link #complete()} is false; shown on stderr. */
    @JsonIgnore
    default String incompleteReason() {
        return "the run did not complete";
    }

    default String json() throws IOException {
        return JSON.writeValueAsString(this);
    }

    /** Writes {@code <stem>.json} and {@code <stem>.md} into {@code dir}; returns both paths. */
    default List<Path> writeTo(Path dir) throws IOException {
        Files.createDirectories(dir);
        Path json = Files.writeString(dir.resolve(fileStem() + ".json"), json() + "\n");
        Path md = Files.writeString(dir.resolve(fileStem() + ".md"), markdown());
        return List.of(json, md);
    }

    /** One decimal, the way every table prints milliseconds. */
    static String f(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    /** Rounds to one decimal for the JSON. */
    static double round1(double v) {
        return Math.round(v * 10) / 10.0;
    }

    /** Nearest-rank percentile ({@code p} in 0..100) of {@code values}; 0 when empty. */
    static double percentile(double[] values, double p) {
        if (values.length == 0) {
            return 0;
        }
        double[] v = values.clone();
        Arrays.sort(v);
        int rank = (int) Math.ceil(p / 100.0 * v.length);
        return v[Math.max(0, Math.min(v.length - 1, rank - 1))];
    }

    /** The median (mean of the two middle values for an even count); 0 when empty. */
    static double median(double[] values) {
        if (values.length == 0) {
            return 0;
        }
        double[] v = values.clone();
        Arrays.sort(v);
        int n = v.length;
        return n % 2 == 1 ? v[n / 2] : Math.round((v[n / 2 - 1] + v[n / 2]) / 2 * 1000) / 1000.0;
    }
}
