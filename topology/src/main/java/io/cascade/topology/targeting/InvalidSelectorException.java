package io.cascade.topology.targeting;

import java.io.Serial;
import java.util.OptionalInt;

/**
 * A label selector that cannot be parsed or built. The message says what is wrong in words a person can
 * act on; for a parsed selector it quotes the selector and names the character position (0-based, the
 * selector's length meaning "end of input").
 */
public final class InvalidSelectorException extends IllegalArgumentException {

    @Serial
    private static final long serialVersionUID = 1L;

    private final int position;

    public InvalidSelectorException(String message) {
        this(message, -1);
    }

    InvalidSelectorException(String message, int position) {
        super(message);
        this.position = position;
    }

    /** The 0-based character position in the parsed selector string, when the error came from parsing. */
    public OptionalInt position() {
        return position < 0 ? OptionalInt.empty() : OptionalInt.of(position);
    }
}
