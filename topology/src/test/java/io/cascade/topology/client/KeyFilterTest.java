package io.cascade.topology.client;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class KeyFilterTest {

    @Test
    void starMatchesExactlyOneToken() {
        assertThat(KeyFilter.matches("*.app.*", "eu.app.web")).isTrue();
        assertThat(KeyFilter.matches("*.app.*", "eu.site.s1.web")).isFalse();
        assertThat(KeyFilter.matches("*.app.*", "eu.app")).isFalse();
        assertThat(KeyFilter.matches("*.app.*", "eu.app.web.extra")).isFalse();
    }

    @Test
    void greaterThanMatchesOneOrMoreRemainingTokens() {
        assertThat(KeyFilter.matches("eu.>", "eu.app.web")).isTrue();
        assertThat(KeyFilter.matches("eu.>", "eu.site.s1.web")).isTrue();
        assertThat(KeyFilter.matches("eu.>", "eu")).isFalse();
        assertThat(KeyFilter.matches("eu.>", "us.app.web")).isFalse();
    }

    @Test
    void literalTokensMatchThemselvesOnly() {
        assertThat(KeyFilter.matches("eu.app.web", "eu.app.web")).isTrue();
        assertThat(KeyFilter.matches("eu.app.web", "eu.app.webx")).isFalse();
    }
}
