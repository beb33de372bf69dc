package io.cascade.hub.intent;

import io.cascade.proto.IntentSummary;
import java.util.List;

/**
 * One page of live intents, sorted by app.
 *
 * @param intents       the summaries of the page
 * @param nextPageToken token for the next page; empty on the last page
 */
public record IntentPage(List<IntentSummary> intents, String nextPageToken) {

    public IntentPage {
        intents = List.copyOf(intents);
    }
}
