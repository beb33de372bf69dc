package io.cascade.topology.targeting;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class LabelsTest {

    private static final String NAME_63 = "a".repeat(63);
    private static final String NAME_64 = "a".repeat(64);

    @ParameterizedTest(name = "key {0} is valid")
    @ValueSource(strings = {
        "tier", "Tier", "a", "9", "app.kubernetes.io_x", "my-label_v2.1", "A-b_c.D",
        "topology.kubernetes.io/zone", "example.com/MyName", "a/b", "1.2.3/x", "k8s.io/x",
        "xn--bcher-kva.example/name",
    })
    void validKeys(String key) {
        assertThat(Labels.keyError(key)).isEmpty();
    }

    @ParameterizedTest(name = "63-character limits on {0}")
    @ValueSource(ints = {1, 62, 63})
    void nameUpTo63CharactersIsValid(int length) {
        assertThat(Labels.keyError("a".repeat(length))).isEmpty();
        assertThat(Labels.keyError("example.com/" + "a".repeat(length))).isEmpty();
        assertThat(Labels.valueError("a".repeat(length))).isEmpty();
    }

    @ParameterizedTest(name = "key \"{0}\" -> {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '\'', value = {
        "''                  | name part must be non-empty",
        "Tier!               | name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character",
        "-tier               | name part must consist of alphanumeric",
        "tier-               | name part must consist of alphanumeric",
        "_tier               | name part must consist of alphanumeric",
        "tier.               | name part must consist of alphanumeric",
        "ti er               | name part must consist of alphanumeric",
        "tïer                | name part must consist of alphanumeric",
        "/zone               | prefix part must be non-empty",
        "example.com/        | name part must be non-empty",
        "Example.com/zone    | prefix part must be a lowercase RFC 1123 subdomain",
        "example_com/zone    | prefix part must be a lowercase RFC 1123 subdomain",
        "-example.com/zone   | prefix part must be a lowercase RFC 1123 subdomain",
        "example..com/zone   | prefix part must be a lowercase RFC 1123 subdomain",
        "example.com./zone   | prefix part must be a lowercase RFC 1123 subdomain",
        "a/b/c               | more than one '/'",
        "example.com/-zone   | name part must consist of alphanumeric",
    })
    void invalidKeys(String key, String reason) {
        assertThat(Labels.keyError(key)).hasValueSatisfying(error -> assertThat(error)
                .startsWith("label key \"" + key + "\" is invalid: ")
                .contains(reason));
    }

    @Test
    void theKeyErrorNamesTheKeyAndTheRule() {
        assertThat(Labels.keyError("Tier!")).contains("label key \"Tier!\" is invalid: name part must consist of "
                + "alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character");
    }

    @Test
    void lengthLimitsOnKeys() {
        assertThat(Labels.keyError(NAME_63)).isEmpty();
        assertThat(Labels.keyError(NAME_64)).contains("label key \"" + NAME_64
                + "\" is invalid: name part must be no more than 63 characters (it has 64)");
        assertThat(Labels.keyError("example.com/" + NAME_64))
                .hasValueSatisfying(error -> assertThat(error).contains("name part must be no more than 63"));

        // the prefix may be 253 characters and its dot-separated parts may be longer than 63 (Kubernetes
        // checks only the total length of a subdomain)
        String prefix253 = "a".repeat(100) + "." + "b".repeat(100) + "." + "c".repeat(51);
        assertThat(prefix253).hasSize(253);
        assertThat(Labels.keyError(prefix253 + "/zone")).isEmpty();
        assertThat(Labels.keyError(prefix253 + "c/zone")).hasValueSatisfying(error -> assertThat(error)
                .contains("prefix part must be no more than 253 characters (it has 254)"));
        assertThat(Labels.keyError(null)).contains("label key null is invalid: a label key is required");
    }

    @ParameterizedTest(name = "value \"{0}\" is valid")
    @ValueSource(strings = {"", "store", "Store", "v1.2.3", "a_b-c.d", "0", "prod"})
    void validValues(String value) {
        assertThat(Labels.valueError(value)).isEmpty();
    }

    @ParameterizedTest(name = "value \"{0}\" is invalid")
    @ValueSource(strings = {"a b", "-a", "a-", ".a", "a.", "_a", "a/b", "a=b", "a,b", "über", " "})
    void invalidValues(String value) {
        assertThat(Labels.valueError(value)).contains("label value \"" + value + "\" is invalid: must be empty or "
                + "consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric "
                + "character");
    }

    @Test
    void lengthLimitOnValues() {
        assertThat(Labels.valueError(NAME_63)).isEmpty();
        assertThat(Labels.valueError(NAME_64)).contains(
                "label value \"" + NAME_64 + "\" is invalid: must be no more than 63 characters (it has 64)");
    }

    @Test
    void messagesEscapeAndShortenWhatTheyQuote() {
        assertThat(Labels.valueError("a\"b\n")).hasValueSatisfying(error ->
                assertThat(error).startsWith("label value \"a\\\"b\\u000a\" is invalid"));
        assertThat(Labels.keyError("x".repeat(1000) + "!")).hasValueSatisfying(error ->
                assertThat(error).startsWith("label key \"" + "x".repeat(200) + "\"... (1001 characters) is invalid"));
    }
}
