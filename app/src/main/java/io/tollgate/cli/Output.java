package io.tollgate.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a command prints: the server's JSON as it is with {@code --json}, else a human form. An object prints as
 * {@code key: value} lines, an array of objects as a table with a column per field, nested objects inline.
 */
final class Output {
    private final PrintWriter out;
    private final boolean json;

    Output(PrintWriter out, boolean json) {
        this.out = out;
        this.json = json;
    }

    boolean json() {
        return json;
    }

    void print(JsonNode node) {
        if (node == null) {
            return;
        }
        if (json) {
            try {
                out.println(AdminClient.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(node));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        } else if (node.isArray()) {
            table(node);
        } else if (node.isObject()) {
            List<JsonNode> tables = new ArrayList<>();
            List<String> tableNames = new ArrayList<>();
            int width = 0;
            for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
                width = Math.max(width, it.next().length());
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (e.getValue().isArray() && !e.getValue().isEmpty() && e.getValue().get(0).isObject()) {
                    tables.add(e.getValue());
                    tableNames.add(e.getKey());
                } else {
                    out.printf("%-" + (width + 1) + "s %s%n", e.getKey() + ":", inline(e.getValue()));
                }
            }
            for (int i = 0; i < tables.size(); i++) {
                out.println();
                out.println(tableNames.get(i) + ":");
                table(tables.get(i));
            }
        } else {
            out.println(inline(node));
        }
        out.flush();
    }

    void line(String text) {
        out.println(text);
        out.flush();
    }

    private void table(JsonNode rows) {
        Set<String> columns = new LinkedHashSet<>();
        rows.forEach(r -> r.fieldNames().forEachRemaining(columns::add));
        if (columns.isEmpty()) {
            rows.forEach(r -> out.println(inline(r)));
            return;
        }
        List<String> header = new ArrayList<>(columns);
        int[] widths = new int[header.size()];
        List<String[]> cells = new ArrayList<>();
        for (int c = 0; c < header.size(); c++) {
            widths[c] = header.get(c).length();
        }
        for (JsonNode r : rows) {
            String[] line = new String[header.size()];
            for (int c = 0; c < header.size(); c++) {
                line[c] = inline(r.get(header.get(c)));
                widths[c] = Math.max(widths[c], line[c].length());
            }
            cells.add(line);
        }
        out.println(row(header.stream().map(h -> h.toUpperCase(java.util.Locale.ROOT)).toArray(String[]::new), widths));
        cells.forEach(line -> out.println(row(line, widths)));
    }

    private static String row(String[] cells, int[] widths) {
        StringBuilder b = new StringBuilder();
        for (int c = 0; c < cells.length; c++) {
            if (c > 0) {
                b.append("  ");
            }
            b.append(c == cells.length - 1 ? cells[c] : String.format("%-" + widths[c] + "s", cells[c]));
        }
        return b.toString().stripTrailing();
    }

    private static String inline(JsonNode v) {
        if (v == null || v.isNull()) {
            return "-";
        }
        if (v.isValueNode()) {
            return v.asText();
        }
        if (v.isArray()) {
            List<String> parts = new ArrayList<>();
            v.forEach(x -> parts.add(inline(x)));
            return String.join(", ", parts);
        }
        List<String> parts = new ArrayList<>();
        v.fields().forEachRemaining(e -> parts.add(e.getKey() + "=" + inline(e.getValue())));
        return parts.isEmpty() ? "-" : String.join(" ", parts);
    }
}
