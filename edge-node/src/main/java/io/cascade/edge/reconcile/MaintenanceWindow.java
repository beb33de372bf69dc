package io.cascade.edge.reconcile;

import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Objects;
import java.util.Optional;

/**
 * A daily window (UTC) during which a site defers new revisions: while it is open the reconciler
 * applies and removes nothing that would change what runs (repairing drift back to what runs is
 * still done); the change happens when the window closes. A window may cross midnight.
 *
 * @param start opening time of day, UTC
 * @param end   closing time of day, UTC (before {@code start}: the window crosses midnight)
 */
public record MaintenanceWindow(LocalTime start, LocalTime end) {

    public MaintenanceWindow {
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(end, "end");
        if (start.equals(end)) {
            throw new IllegalArgumentException("a maintenance window needs a start different from its end, got " + start);
        }
    }

    /** True when {@code now} falls inside the window. */
    public boolean contains(Instant now) {
        LocalTime t = LocalTime.ofInstant(now, ZoneOffset.UTC);
        return start.isBefore(end) ? !t.isBefore(start) && t.isBefore(end) : !t.isBefore(start) || t.isBefore(end);
    }

    /** The occurrence of the window that contains {@code now}, or else the next one: [start, end). */
    public Instant[] occurrence(Instant now) {
        java.time.LocalDate day = java.time.LocalDate.ofInstant(now, ZoneOffset.UTC);
        for (int offset = -1; offset <= 1; offset++) {
            Instant from = day.plusDays(offset).atTime(start).toInstant(ZoneOffset.UTC);
            Instant to = (start.isBefore(end) ? day.plusDays(offset) : day.plusDays(offset + 1)).atTime(end).toInstant(ZoneOffset.UTC);
            if (now.isBefore(to)) {
                return new Instant[] {from, to};
            }
        }
        throw new IllegalStateException("a daily window always has an occurrence within two days of " + now);
    }

    /** Parses {@code HH:MM-HH:MM} (UTC), the form of {@code cascade edge --maintenance}. */
    public static MaintenanceWindow parse(String text) {
        String[] parts = text.split("-");
        if (parts.length != 2) {
            throw new IllegalArgumentException("--maintenance: expected HH:MM-HH:MM (UTC), got \"" + text + "\"");
        }
        try {
            return new MaintenanceWindow(LocalTime.parse(parts[0].trim()), LocalTime.parse(parts[1].trim()));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("--maintenance: expected HH:MM-HH:MM (UTC), got \"" + text + "\"", e);
        }
    }

    /** The window of a spec that may be absent. */
    public static Optional<MaintenanceWindow> parseOptional(String text) {
        return text == null || text.isBlank() ? Optional.empty() : Optional.of(parse(text));
    }
}
