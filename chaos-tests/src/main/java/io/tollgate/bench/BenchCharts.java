package io.tollgate.bench;

import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * PNG charts of the HTTP sweep: throughput per concurrency, p99 per concurrency, latency percentiles per system.
 * Each point is the median over its repetitions ({@link PointSummary}).
 */
final class BenchCharts {

    private BenchCharts() {
    }

    static void write(Path out, List<Measurement> measurements) throws IOException {
        System.setProperty("java.awt.headless", "true");
        List<Measurement> http = measurements.stream().filter(m -> m.kind().equals("http")).toList();
        if (http.isEmpty()) {
            return;
        }
        XYSeriesCollection throughput = new XYSeriesCollection();
        XYSeriesCollection p99 = new XYSeriesCollection();
        Map<String, XYSeries[]> series = new LinkedHashMap<>();
        for (Measurement m : http) {
            XYSeries[] s = series.computeIfAbsent(m.system(), n -> {
                XYSeries t = new XYSeries(n);
                XYSeries p = new XYSeries(n);
                throughput.addSeries(t);
                p99.addSeries(p);
                return new XYSeries[] {t, p};
            });
            s[0].add(m.concurrency(), m.throughput());
            s[1].add(m.concurrency(), m.p99Micros() / 1000.0);
        }
        JFreeChart t = ChartFactory.createXYLineChart("Acquire throughput over HTTP (median)", "concurrent callers (closed loop)",
                "acquires per second", throughput, PlotOrientation.VERTICAL, true, false, false);
        logX(t, "concurrent callers (closed loop)");
        ChartUtils.saveChartAsPNG(out.resolve("throughput.png").toFile(), t, 900, 540);

        JFreeChart p = ChartFactory.createXYLineChart("p99 acquire latency over HTTP (median)", "concurrent callers (closed loop)",
                "p99 latency (ms)", p99, PlotOrientation.VERTICAL, true, false, false);
        logX(p, "concurrent callers (closed loop)");
        ChartUtils.saveChartAsPNG(out.resolve("p99.png").toFile(), p, 900, 540);

        int level = http.stream().mapToInt(Measurement::concurrency).filter(c -> c <= 16).max()
                .orElse(http.getFirst().concurrency());
        DefaultCategoryDataset latency = new DefaultCategoryDataset();
        for (Measurement m : http) {
            if (m.concurrency() == level) {
                latency.addValue(m.p50Micros() / 1000.0, "p50", m.system());
                latency.addValue(m.p99Micros() / 1000.0, "p99", m.system());
                latency.addValue(m.p999Micros() / 1000.0, "p99.9", m.system());
            }
        }
        JFreeChart l = ChartFactory.createBarChart("Acquire latency percentiles at " + level + " concurrent callers (median)",
                "system", "latency (ms)", latency, PlotOrientation.VERTICAL, true, false, false);
        ChartUtils.saveChartAsPNG(out.resolve("latency.png").toFile(), l, 900, 540);
    }

    private static void logX(JFreeChart chart, String label) {
        XYPlot plot = chart.getXYPlot();
        LogAxis axis = new LogAxis(label);
        axis.setBase(2);
        axis.setStandardTickUnits(org.jfree.chart.axis.NumberAxis.createIntegerTickUnits());
        plot.setDomainAxis(axis);
        org.jfree.chart.renderer.xy.XYLineAndShapeRenderer r = new org.jfree.chart.renderer.xy.XYLineAndShapeRenderer(true, true);
        plot.setRenderer(r);
    }
}
