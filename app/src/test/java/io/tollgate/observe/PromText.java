package io.tollgate.observe;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A small parser of the Prometheus text exposition format (samples only; comments skipped). */
public final class PromText {
    private PromText() {
    }

    public record Sample(String name, Map<String, String> labels, double value) {
        public boolean has(String... keyValues) {
            for (int i = 0; i < keyValues.length; i += 2) {
                if (!keyValues[i + 1].equals(labels.get(keyValues[i]))) {
                    return false;
                }
            }
            return true;
        }
    }

    public static List<Sample> parse(String text) {
        List<Sample> out = new ArrayList<>();
        int lineNo = 0;
        for (String line : text.split("\n")) {
            lineNo++;
            line = line.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            try {
                out.add(parseLine(line));
            } catch (RuntimeException e) {
                throw new AssertionError("line " + lineNo + " is not Prometheus text format: " + line, e);
            }
        }
        return out;
    }

    private static Sample parseLine(String line) {
        int i = 0;
        while (i < line.length() && line.charAt(i) != '{' && line.charAt(i) != ' ') {
            i++;
        }
        String name = line.substring(0, i);
        if (!name.matches("[a-zA-Z_:][a-zA-Z0-9_:]*")) {
            throw new IllegalArgumentException("bad metric name " + name);
        }
        Map<String, String> labels = new LinkedHashMap<>();
        if (i < line.length() && line.charAt(i) == '{') {
            i++;
            while (true) {
                while (line.charAt(i) == ',' || line.charAt(i) == ' ') {
                    i++;
                }
                if (line.charAt(i) == '}') {
                    i++;
                    break;
                }
                int eq = line.indexOf('=', i);
                String key = line.substring(i, eq).trim();
                if (line.charAt(eq + 1) != '"') {
                    throw new IllegalArgumentException("label value not quoted");
                }
                StringBuilder value = new StringBuilder();
                int j = eq + 2;
                while (line.charAt(j) != '"') {
                    char c = line.charAt(j);
                    if (c == '\\') {
                        char n = line.charAt(++j);
                        value.append(n == 'n' ? '\n' : n);
                    } else {
                        value.append(c);
                    }
                    j++;
                }
                labels.put(key, value.toString());
                i = j + 1;
            }
        }
        String[] rest = line.substring(i).trim().split("\\s+");
        return new Sample(name, labels, parseValue(rest[0]));
    }

    private static double parseValue(String v) {
        return switch (v) {
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            case "NaN" -> Double.NaN;
            default -> Double.parseDouble(v);
        };
    }

    /** The value of the one sample named {@code name} with these labels (others may exist). */
    public static Optional<Double> value(List<Sample> samples, String name, String... keyValues) {
        List<Sample> found = samples.stream().filter(s -> s.name().equals(name) && s.has(keyValues)).toList();
        if (found.size() > 1) {
            throw new AssertionError("more than one sample " + name + " " + List.of(keyValues) + ": " + found);
        }
        return found.stream().findFirst().map(Sample::value);
    }

    public static double sum(List<Sample> samples, String name, String... keyValues) {
        return samples.stream().filter(s -> s.name().equals(name) && s.has(keyValues)).mapToDouble(Sample::value).sum();
    }
}
