package dev.vigil.benchmarks;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * Charts from the load generator's CSVs, as PNGs. Plain Java2D, headless.
 *
 * <ul>
 *   <li>{@code LatencyChart load.csv out.png}: marker alert latency from send (p50, p99, max)
 *       against accepted load, from {@code --csv};
 *   <li>{@code LatencyChart --quiet load.csv out.png}: the quiet cluster's test-alert latency
 *       against the flooding cluster's offered load, from the {@code noisy-neighbour} rows of
 *       {@code --csv} (a flat-out step is placed at its accepted rate);
 *   <li>{@code LatencyChart --memory samples.csv out.png}: resident memory and heap of Vigil over
 *       time, from {@code --samples-csv} (a soak).
 * </ul>
 */
public final class LatencyChart {

  private static final int WIDTH = 900;
  private static final int HEIGHT = 520;
  private static final int LEFT = 80;
  private static final int RIGHT = 180;
  private static final int TOP = 50;
  private static final int BOTTOM = 60;
  private static final double MIN_Y = 10;

  /** One step: x = events/s, y = latencies in ms. */
  record Point(double x, double p50, double p99, double max) {}

  /** One line of a chart. */
  record Series(String label, Color color, float width, List<double[]> xy) {}

  /** What a chart shows; {@code target} &lt;= 0 draws no target line. */
  record Chart(String title, String xLabel, String yLabel, boolean logY, double target,
      String targetLabel, List<Series> series) {}

  private LatencyChart() {}

  public static void main(String[] args) throws IOException {
    System.setProperty("java.awt.headless", "true");
    Chart chart;
    Path out;
    if (args.length == 3 && args[0].equals("--quiet")) {
      chart = latencyChart(readQuiet(Path.of(args[1])),
          "Quiet cluster's test-alert latency vs. the flooding cluster's offered load",
          "flooding cluster's offered events/s (flat out: at its accepted rate)", 5_000,
          "p99 target 5 s");
      out = Path.of(args[2]);
    } else if (args.length == 3 && args[0].equals("--memory")) {
      chart = memoryChart(Path.of(args[1]));
      out = Path.of(args[2]);
    } else if (args.length == 2) {
      chart = latencyChart(read(Path.of(args[0])),
          "Vigil alert latency from send vs. accepted load (marker test alerts)",
          "accepted events/s", 2_000, "p99 target 2 s");
      out = Path.of(args[1]);
    } else {
      System.err.println("usage: LatencyChart [--quiet|--memory] IN.csv OUT.png");
      System.exit(2);
      return;
    }
    ImageIO.write(draw(chart), "png", out.toFile());
  }

  /** Marker latency from send against accepted events/s, one point per step with a sample. */
  static List<Point> read(Path csv) throws IOException {
    Table t = Table.read(csv);
    List<Point> points = new ArrayList<>();
    for (String[] row : t.rows) {
      Point point = new Point(t.number(row, "accepted_per_s"), t.number(row, "send_p50_ms"),
          t.number(row, "send_p99_ms"), t.number(row, "send_max_ms"));
      if (!Double.isNaN(point.p50())) {
        points.add(point);
      }
    }
    points.sort(Comparator.comparingDouble(Point::x));
    return points;
  }

  /** The quiet cluster's latency against the offered rate of the {@code noisy-neighbour} steps. */
  static List<Point> readQuiet(Path csv) throws IOException {
    Table t = Table.read(csv);
    List<Point> points = new ArrayList<>();
    for (String[] row : t.rows) {
      if (!Workload.NOISY_NEIGHBOUR.label.equals(t.text(row, "workload"))) {
        continue;
      }
      double offered = t.number(row, "offered");
      Point point = new Point(offered > 0 ? offered : t.number(row, "accepted_per_s"),
          t.number(row, "quiet_p50_ms"), t.number(row, "quiet_p99_ms"), t.number(row, "quiet_max_ms"));
      if (!Double.isNaN(point.p50())) {
        points.add(point);
      }
    }
    points.sort(Comparator.comparingDouble(Point::x));
    return points;
  }

  static Chart latencyChart(List<Point> points, String title, String xLabel, double target,
      String targetLabel) {
    return new Chart(title, xLabel, "ms (log)", true, target, targetLabel, List.of(
        new Series("max", new Color(150, 150, 150), 2f, xy(points, 2)),
        new Series("p99", new Color(230, 130, 20), 4f, xy(points, 1)),
        new Series("p50", new Color(40, 110, 200), 2f, xy(points, 0))));
  }

  private static List<double[]> xy(List<Point> points, int which) {
    List<double[]> xy = new ArrayList<>();
    for (Point p : points) {
      xy.add(new double[] {p.x(), which == 0 ? p.p50() : which == 1 ? p.p99() : p.max()});
    }
    return xy;
  }

  /** RSS, heap used and heap committed (MB) against elapsed minutes. */
  static Chart memoryChart(Path samplesCsv) throws IOException {
    Table t = Table.read(samplesCsv);
    List<double[]> rss = new ArrayList<>();
    List<double[]> used = new ArrayList<>();
    List<double[]> committed = new ArrayList<>();
    for (String[] row : t.rows) {
      double minutes = t.number(row, "elapsed_s") / 60;
      add(rss, minutes, t.number(row, "rss_mb"));
      add(used, minutes, t.number(row, "heap_used_mb"));
      add(committed, minutes, t.number(row, "heap_committed_mb"));
    }
    return new Chart("Vigil memory over time", "minutes since the start of the run", "MB", false,
        0, "", List.of(
            new Series("RSS", new Color(200, 50, 50), 3f, rss),
            new Series("heap committed", new Color(150, 150, 150), 2f, committed),
            new Series("heap used", new Color(40, 110, 200), 2f, used)));
  }

  private static void add(List<double[]> xy, double x, double y) {
    if (!Double.isNaN(y)) {
      xy.add(new double[] {x, y});
    }
  }

  static BufferedImage draw(Chart chart) {
    BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, WIDTH, HEIGHT);
    double maxX = 1;
    double maxY = chart.logY() ? 10_000 : 1;
    for (Series s : chart.series()) {
      for (double[] p : s.xy()) {
        maxX = Math.max(maxX, p[0]);
        maxY = Math.max(maxY, p[1]);
      }
    }
    maxX = niceCeiling(maxX * 1.05);
    maxY = chart.logY() ? Math.pow(10, Math.ceil(Math.log10(maxY))) : niceCeiling(maxY * 1.1);
    int plotW = WIDTH - LEFT - RIGHT;
    int plotH = HEIGHT - TOP - BOTTOM;
    Axis y = new Axis(chart.logY(), maxY, plotH);

    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    for (int i = 0; i <= 5; i++) {
      int x = LEFT + i * plotW / 5;
      g.setColor(new Color(230, 230, 230));
      g.drawLine(x, TOP, x, TOP + plotH);
      g.setColor(Color.DARK_GRAY);
      g.drawString(String.format(Locale.ROOT, maxX >= 50 ? "%,.0f" : "%,.1f", maxX * i / 5), x - 20,
          TOP + plotH + 18);
    }
    List<Double> ticks = new ArrayList<>();
    if (chart.logY()) {
      // A logarithmic latency axis: the figures span milliseconds to minutes.
      for (double v = MIN_Y; v <= maxY; v *= 10) {
        ticks.add(v);
      }
    } else {
      for (int i = 0; i <= 5; i++) {
        ticks.add(maxY * i / 5);
      }
    }
    for (double v : ticks) {
      int py = y.pixel(v);
      g.setColor(new Color(230, 230, 230));
      g.drawLine(LEFT, py, LEFT + plotW, py);
      g.setColor(Color.DARK_GRAY);
      g.drawString(String.format(Locale.ROOT, "%,.0f", v), 10, py + 4);
    }
    if (chart.target() > 0) {
      int target = y.pixel(chart.target());
      g.setColor(new Color(200, 60, 60));
      g.setStroke(new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f,
          new float[] {6f, 4f}, 0f));
      g.drawLine(LEFT, target, LEFT + plotW, target);
      // Inside the plot, above the line: the legend takes the right margin.
      int width = g.getFontMetrics().stringWidth(chart.targetLabel());
      g.drawString(chart.targetLabel(), LEFT + plotW - width - 6, target - 5);
    }

    g.setColor(Color.BLACK);
    g.setStroke(new BasicStroke(1.2f));
    g.drawRect(LEFT, TOP, plotW, plotH);
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
    g.drawString(chart.title(), LEFT, 30);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    g.drawString(chart.xLabel(), LEFT + plotW / 2 - 3 * chart.xLabel().length(), HEIGHT - 15);
    g.drawString(chart.yLabel(), 10, TOP - 10);

    int row = 0;
    for (Series s : chart.series()) {
      g.setColor(s.color());
      g.setStroke(new BasicStroke(s.width()));
      int prevX = -1;
      int prevY = -1;
      for (double[] p : s.xy()) {
        int x = LEFT + (int) (p[0] / maxX * plotW);
        int yy = y.pixel(p[1]);
        if (s.xy().size() <= 60) {
          g.fillOval(x - 4, yy - 4, 8, 8);
        }
        if (prevX >= 0) {
          g.drawLine(prevX, prevY, x, yy);
        }
        prevX = x;
        prevY = yy;
      }
      int ly = TOP + 20 + row++ * 20;
      g.drawLine(LEFT + plotW + 8, ly, LEFT + plotW + 30, ly);
      g.drawString(s.label(), LEFT + plotW + 36, ly + 4);
    }
    g.dispose();
    return image;
  }

  private record Axis(boolean log, double max, int plotH) {
    int pixel(double v) {
      double share;
      if (log) {
        double clamped = Math.max(MIN_Y, Math.min(v, max));
        share = (Math.log10(clamped) - Math.log10(MIN_Y)) / (Math.log10(max) - Math.log10(MIN_Y));
      } else {
        share = Math.max(0, Math.min(v, max)) / max;
      }
      return TOP + plotH - (int) Math.round(share * plotH);
    }
  }

  /** A CSV with a header row, cells read by column name. */
  private record Table(List<String> header, List<String[]> rows) {
    static Table read(Path csv) throws IOException {
      List<String> lines = Files.readAllLines(csv);
      List<String[]> rows = new ArrayList<>();
      for (String line : lines.subList(1, lines.size())) {
        if (!line.isBlank()) {
          rows.add(line.split(",", -1));
        }
      }
      return new Table(List.of(lines.get(0).split(",")), rows);
    }

    String text(String[] row, String column) {
      int i = header.indexOf(column);
      return i < 0 || i >= row.length ? "" : row[i];
    }

    double number(String[] row, String column) {
      String cell = text(row, column);
      try {
        return cell.isEmpty() ? Double.NaN : Double.parseDouble(cell);
      } catch (NumberFormatException e) {
        return Double.NaN;
      }
    }
  }

  /** 1, 2, 2.5 or 5 times a power of ten, at least {@code v}. */
  static double niceCeiling(double v) {
    double power = Math.pow(10, Math.floor(Math.log10(v)));
    for (double m : new double[] {1, 2, 2.5, 5, 10}) {
      if (m * power >= v) {
        return m * power;
      }
    }
    return 10 * power;
  }
}
