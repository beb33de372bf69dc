package io.cascade.topology.targeting;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Parses the kubectl label-selector syntax into a {@link LabelSelector}, following Kubernetes'
 * {@code labels.Parse}:
 *
 * <pre>
 *   selector    := ε | requirement (',' requirement)*
 *   requirement := '!' key
 *                | key [ ('=' | '==' | '!=') value? | ('in' | 'notin') '(' values ')' ]
 *   values      := value? (',' value?)*
 * </pre>
 *
 * Words are runs of characters other than whitespace and {@code ! = ( ) , < >}. {@code in} and
 * {@code notin} are keywords only where an operator is expected, so a key or value may be spelled that
 * way. As in Kubernetes a missing value is the empty value: {@code tier=} and {@code env in ()} select
 * the value "" and {@code env in (a,)} selects "a" and "". A key given with two different {@code =}
 * values keeps the first in matchLabels and the second as an In requirement (and so matches nothing),
 * as Kubernetes would evaluate it.
 */
final class SelectorParser {

    private enum Kind { WORD, BANG, EQUALS, DOUBLE_EQUALS, NOT_EQUALS, OPEN, CLOSE, COMMA, LESS, GREATER, END }

    private record Token(Kind kind, String text, int position) {

        String describe() {
            return kind == Kind.END ? "end of input" : "'" + text + "'";
        }

        boolean isKeyword(String keyword) {
            return kind == Kind.WORD && text.equals(keyword);
        }
    }

    private final String input;
    private final List<Token> tokens;
    private int next;

    private final Map<String, String> matchLabels = new LinkedHashMap<>();
    private final List<Requirement> matchExpressions = new ArrayList<>();

    SelectorParser(String input) {
        this.input = input;
        this.tokens = lex(input);
    }

    LabelSelector parse() {
        if (peek().kind() == Kind.END) {
            return LabelSelector.EVERYTHING;
        }
        while (true) {
            requirement();
            Token token = take();
            switch (token.kind()) {
                case END -> {
                    return new LabelSelector(matchLabels, matchExpressions);
                }
                case COMMA -> { }
                default -> throw expected("',' or end of input", token);
            }
        }
    }

    private void requirement() {
        Token first = take();
        if (first.kind() == Kind.BANG) {
            matchExpressions.add(new Requirement(key(take()), Operator.DOES_NOT_EXIST, Set.of()));
            return;
        }
        String key = key(first);
        Token operator = peek();
        switch (operator.kind()) {
            case COMMA, END -> matchExpressions.add(new Requirement(key, Operator.EXISTS, Set.of()));
            case EQUALS, DOUBLE_EQUALS -> {
                take();
                equalTo(key, optionalValue());
            }
            case NOT_EQUALS -> {
                take();
                matchExpressions.add(new Requirement(key, Operator.NOT_IN, Set.of(optionalValue())));
            }
            case LESS, GREATER -> throw error("operator " + operator.describe() + " at position "
                    + operator.position() + " is not supported; use =, ==, !=, in, notin, a bare key or !key",
                    operator.position());
            case WORD -> {
                Operator op;
                if (operator.isKeyword("in")) {
                    op = Operator.IN;
                } else if (operator.isKeyword("notin")) {
                    op = Operator.NOT_IN;
                } else {
                    throw expectedOperator(operator);
                }
                take();
                matchExpressions.add(new Requirement(key, op, valueList()));
            }
            default -> throw expectedOperator(operator);
        }
    }

    private void equalTo(String key, String value) {
        String earlier = matchLabels.putIfAbsent(key, value);
        if (earlier != null && !earlier.equals(value)) {
            matchExpressions.add(new Requirement(key, Operator.IN, Set.of(value)));
        }
    }

    private String key(Token token) {
        if (token.kind() != Kind.WORD) {
            throw expected("a label key", token);
        }
        Labels.keyProblem(token.text()).ifPresent(problem -> {
            throw error("label key " + Labels.quote(token.text()) + " at position " + token.position()
                    + " is invalid: " + problem, token.position());
        });
        return token.text();
    }

    private String value(Token token) {
        Labels.valueProblem(token.text()).ifPresent(problem -> {
            throw error("label value " + Labels.quote(token.text()) + " at position " + token.position()
                    + " is invalid: " + problem, token.position());
        });
        return token.text();
    }

    /** After {@code =}, {@code ==} or {@code !=}: a value, or nothing for the empty value. */
    private String optionalValue() {
        Token token = peek();
        return switch (token.kind()) {
            case WORD -> value(take());
            case COMMA, END -> "";
            default -> throw expected("a label value, ',' or end of input", token);
        };
    }

    /** {@code '(' values ')'}, empty items being the empty value. */
    private Set<String> valueList() {
        Token open = take();
        if (open.kind() != Kind.OPEN) {
            throw expected("'('", open);
        }
        Set<String> values = new TreeSet<>();
        boolean itemDone = false;
        while (true) {
            Token token = take();
            switch (token.kind()) {
                case WORD -> {
                    if (itemDone) {
                        throw expected("',' or ')'", token);
                    }
                    values.add(value(token));
                    itemDone = true;
                }
                case COMMA -> {
                    if (!itemDone) {
                        values.add("");
                    }
                    itemDone = false;
                }
                case CLOSE -> {
                    if (!itemDone) {
                        values.add("");
                    }
                    return values;
                }
                default -> throw expected(itemDone ? "',' or ')'" : "a label value, ',' or ')'", token);
            }
        }
    }

    private Token peek() {
        return tokens.get(next);
    }

    private Token take() {
        Token token = tokens.get(next);
        if (token.kind() != Kind.END) {
            next++;
        }
        return token;
    }

    private InvalidSelectorException expectedOperator(Token token) {
        return expected("'=', '==', '!=', 'in', 'notin', ',' or end of input", token);
    }

    private InvalidSelectorException expected(String what, Token found) {
        return new InvalidSelectorException("selector " + Labels.quote(input) + ": expected " + what
                + " at position " + found.position() + ", found " + found.describe(), found.position());
    }

    private InvalidSelectorException error(String problem, int position) {
        return new InvalidSelectorException("selector " + Labels.quote(input) + ": " + problem, position);
    }

    private static List<Token> lex(String input) {
        List<Token> tokens = new ArrayList<>();
        int i = 0;
        int length = input.length();
        while (i < length) {
            char c = input.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
                continue;
            }
            boolean nextIsEquals = i + 1 < length && input.charAt(i + 1) == '=';
            Kind kind = switch (c) {
                case '!' -> nextIsEquals ? Kind.NOT_EQUALS : Kind.BANG;
                case '=' -> nextIsEquals ? Kind.DOUBLE_EQUALS : Kind.EQUALS;
                case '(' -> Kind.OPEN;
                case ')' -> Kind.CLOSE;
                case ',' -> Kind.COMMA;
                case '<' -> Kind.LESS;
                case '>' -> Kind.GREATER;
                default -> Kind.WORD;
            };
            int end = switch (kind) {
                case NOT_EQUALS, DOUBLE_EQUALS -> i + 2;
                case WORD -> wordEnd(input, i);
                default -> i + 1;
            };
            tokens.add(new Token(kind, input.substring(i, end), i));
            i = end;
        }
        tokens.add(new Token(Kind.END, "", length));
        return tokens;
    }

    private static int wordEnd(String input, int start) {
        int i = start;
        while (i < input.length()) {
            char c = input.charAt(i);
            if (Character.isWhitespace(c) || "!=(),<>".indexOf(c) >= 0) {
                break;
            }
            i++;
        }
        return i;
    }
}
