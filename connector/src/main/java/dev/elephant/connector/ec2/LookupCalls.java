package dev.elephant.connector.ec2;

import dev.elephant.connector.ec2.InstanceLookup.LookupUnavailable;
import dev.elephant.connector.ec2.InstanceLookup.Page;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** How a lookup of many ids, or of every page of a listing, is made as a series of EC2 calls. */
final class LookupCalls {

    /** One call of EC2 for some ids: {@code DescribeInstances} or {@code DescribeNetworkInterfaces}. */
    @FunctionalInterface
    interface Call {
        Map<String, Optional<InstanceFacts>> describe(Collection<String> ids) throws LookupUnavailable;
    }

    /** One call for a page of a listing, given the token of the page before (null for the first). */
    @FunctionalInterface
    interface PageCall {
        Page page(String nextToken) throws LookupUnavailable;
    }

    private LookupCalls() {}

    /** Every id asked in calls of at most {@code perCall}; an id no call found maps to empty. */
    static Map<String, Optional<InstanceFacts>> inCallsOf(int perCall, Collection<String> requested, Call call)
            throws LookupUnavailable {
        Map<String, Optional<InstanceFacts>> found = new HashMap<>();
        List<String> ids = List.copyOf(requested);
        for (int from = 0; from < ids.size(); from += perCall) {
            found.putAll(call.describe(ids.subList(from, Math.min(from + perCall, ids.size()))));
        }
        requested.forEach(id -> found.putIfAbsent(id, Optional.empty()));
        return found;
    }

    /** Every page of a listing, one call each, until a page names no next one. */
    static List<InstanceSummary> everyPage(PageCall call) throws LookupUnavailable {
        List<InstanceSummary> found = new ArrayList<>();
        String token = null;
        do {
            Page page = call.page(token);
            found.addAll(page.instances());
            token = page.nextToken();
        } while (token != null);
        return found;
    }
}
