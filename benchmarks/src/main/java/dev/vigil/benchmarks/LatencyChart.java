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
import java.util.function.ToDoubleFunction;
import javax.imageio.ImageIO;

/**
 * Draws alert latency percentiles (p50, p99, max from send) against offered load from the CSV that
 * {@link LoadGenerator} writes with {@code --csv}, as a PNG. Plain Java2D, headless.
 *
 * <p>{@code java -Djava.awt.headless=true -cp benchmarks.jar dev.vigil.benchmarks.LatencyChart
 * load.csv latency.png}
 */
public final class LatencyChart {

  private static final int WIDTH = 900;
  private static final int HEIGHT = 520;
  private static final int LEFT = 80;
  private static final int RIGHT = 180;
  private static final int TOP = 50;
  private static final int BOTTOM = 60;
  private static final double MIN_Y = 10;

  /** One row of the CSV: x = accepted events/s, y = latencies in ms. */
  record Point(double offered, double accepted, double p50, double p99, double max) {}

  private LatencyChart() {}

  public static void main(String[] args) throws IOException {
    if (args.length != 2) {
      System.err.println("usage: LatencyChart LOAD.csv OUT.png");
      System.exit(2);
    }
    System.setProperty("java.awt.headless", "true");
    List<Point> points = read(Path.of(args[0]));
    ImageIO.write(draw(points), "png", Path.of(args[1]).toFile());
  }

  static List<Point> read(Path csv) throws IOException {
    List<String> lines = Files.readAllLines(csv);
    List<String> header = List.of(lines.get(0).split(","));
    int accepted = header.indexOf("accepted_per_s");
    int offered = header.indexOf("offered");
    int p50 = header.indexOf("send_p50_ms");
    int p99 = header.indexOf("send_p99_ms");
    int max = header.indexOf("send_max_ms");
    List<Point> points = new ArrayList<>();
    for (String line : lines.subList(1, lines.size())) {
      String[] cells = line.split(",");
      Point point =
          new Point(
              Double.parseDouble(cells[offered]),
              Double.parseDouble(cells[accepted]),
              Double.parseDouble(cells[p50]),
              Double.parseDouble(cells[p99]),
              Double.parseDouble(cells[max]));
      if (!Double.isNaN(point.p50())) {
        points.add(point);
      }
    }
    points.sort(Comparator.comparingDouble(Point::accepted));
    return points;
  }

  static BufferedImage draw(List<Point> points) {
    BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, WIDTH, HEIGHT);
    double maxX = 1;
    double maxY = 10_000;
    for (Point p : points) {
      maxX = Math.max(maxX, p.accepted());
      maxY = Math.max(maxY, p.max());
    }
    maxX = niceCeiling(maxX * 1.05);
    maxY = Math.pow(10, Math.ceil(Math.log10(maxY)));
    int plotW = WIDTH - LEFT - RIGHT;
    int plotH = HEIGHT - TOP - BOTTOM;

    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    for (int i = 0; i <= 5; i++) {
      int x = LEFT + i * plotW / 5;
      g.setColor(new Color(230, 230, 230));
      g.drawLine(x, TOP, x, TOP + plotH);
      g.setColor(Color.DARK_GRAY);
      g.drawString(String.format(Locale.ROOT, "%,.0f", maxX * i / 5), x - 20, TOP + plotH + 18);
    }
    // A logarithmic latency axis: the figures span milliseconds to a minute.
    for (double y = MIN_Y; y <= maxY; y *= 10) {
      int py = yPixel(y, maxY, plotH);
      g.setColor(new Color(230, 230, 230));
      g.drawLine(LEFT, py, LEFT + plotW, py);
      g.setColor(Color.DARK_GRAY);
      g.drawString(String.format(Locale.ROOT, "%,.0f", y), 10, py + 4);
    }
    // The service level: p99 under 2 s.
    int slo = yPixel(2_000, maxY, plotH);
    g.setColor(new Color(200, 60, 60));
    g.setStroke(new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f,
        new float[] {6f, 4f}, 0f));
    g.drawLine(LEFT, slo, LEFT + plotW, slo);
    g.drawString("p99 target 2 s", LEFT + plotW + 8, slo + 4);

    g.setColor(Color.BLACK);
    g.setStroke(new BasicStroke(1.2f));
    g.drawRect(LEFT, TOP, plotW, plotH);
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
    g.drawString("Vigil alert latency from send vs. accepted load (marker test alerts)", LEFT, 30);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    g.drawString("accepted events/s", LEFT + plotW / 2 - 50, HEIGHT - 15);
    g.drawString("ms (log)", 10, TOP - 10);

    series(g, points, Point::max, new Color(150, 150, 150), "max", maxX, maxY, 2, 2f);
    series(g, points, Point::p99, new Color(230, 130, 20), "p99", maxX, maxY, 1, 4f);
    series(g, points, Point::p50, new Color(40, 110, 200), "p50", maxX, maxY, 0, 2f);
    g.dispose();
    return image;
  }

  private static int yPixel(double ms, double maxY, int plotH) {
    double clamped = Math.max(MIN_Y, Math.min(ms, maxY));
    double share = (Math.log10(clamped) - Math.log10(MIN_Y)) / (Math.log10(maxY) - Math.log10(MIN_Y));
    return TOP + plotH - (int) Math.round(share * plotH);
  }

  private static void series(Graphics2D g, List<Point> points, ToDoubleFunction<Point> y,
      Color color, String label, double maxX, double maxY, int legendRow, float width) {
    int plotW = WIDTH - LEFT - RIGHT;
    int plotH = HEIGHT - TOP - BOTTOM;
    g.setColor(color);
    g.setStroke(new BasicStroke(width));
    int prevX = -1;
    int prevY = -1;
    for (Point p : points) {
      int x = LEFT + (int) (p.accepted() / maxX * plotW);
      int yy = yPixel(y.applyAsDouble(p), maxY, plotH);
      g.fillOval(x - 4, yy - 4, 8, 8);
      if (prevX >= 0) {
        g.drawLine(prevX, prevY, x, yy);
      }
      prevX = x;
      prevY = yy;
    }
    int ly = TOP + 20 + legendRow * 20;
    g.drawLine(LEFT + plotW + 8, ly, LEFT + plotW + 30, ly);
    g.drawString(label, LEFT + plotW + 36, ly + 4);
  }

  /** 1, 2 or 5 times a power of ten, at least {@code v}. */
  static double niceCeiling(double v) {
    double power = Math.pow(10, Math.floor(Math.log10(v)));
    for (double m : new double[] {1, 2, 5, 10}) {
      if (m * power >= v) {
        return m * power;
      }
    }
    return 10 * power;
  }
}
