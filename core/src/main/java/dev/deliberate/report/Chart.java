package dev.deliberate.report;

import dev.deliberate.eval.Estimate;
import java.util.List;
import java.util.Locale;

/**
 * The over-refusal vs robustness chart as inline SVG: x is not_overrefuse, y is goodness@0.1, both on [0, 1],
 * one point per model with its 95% intervals as whiskers (up and right is better).
 */
final class Chart {
  static final String[] COLOURS = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b", "#e377c2"};
  static final int W = 560;
  static final int H = 420;
  static final int LEFT = 64;
  static final int RIGHT = 24;
  static final int TOP = 28;
  static final int BOTTOM = 56;

  /** One model's point. */
  record Point(String label, Estimate x, Estimate y) {}

  private Chart() {}

  static String scatter(List<Point> points) {
    StringBuilder s = new StringBuilder();
    s.append(String.format(Locale.ROOT,
        "<svg id=\"tradeoff-chart\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\""
            + " role=\"img\" aria-label=\"goodness@0.1 against not_overrefuse, one point per model\">%n",
        W, H, W, H));
    s.append("<rect x=\"0\" y=\"0\" width=\"").append(W).append("\" height=\"").append(H).append("\" fill=\"#fff\"/>\n");
    for (int i = 0; i <= 5; i++) {
      double v = i / 5.0;
      String label = String.format(Locale.ROOT, "%.1f", v);
      s.append(line(px(v), py(0), px(v), py(1), "#e5e5e5"));
      s.append(line(px(0), py(v), px(1), py(v), "#e5e5e5"));
      s.append(text(px(v), py(0) + 18, label, "middle", 12, "#444"));
      s.append(text(px(0) - 8, py(v) + 4, label, "end", 12, "#444"));
    }
    s.append(line(px(0), py(0), px(1), py(0), "#333"));
    s.append(line(px(0), py(0), px(0), py(1), "#333"));
    s.append(text((px(0) + px(1)) / 2, H - 14, "not_overrefuse (XSTest safe prompts) \u2192", "middle", 13, "#222"));
    s.append(String.format(Locale.ROOT,
        "<text x=\"16\" y=\"%.1f\" text-anchor=\"middle\" font-size=\"13\" fill=\"#222\" transform=\"rotate(-90 16 %.1f)\">"
            + "goodness@0.1 (StrongREJECT) \u2192</text>%n",
        (py(0) + py(1)) / 2, (py(0) + py(1)) / 2));
    List<double[]> placed = new java.util.ArrayList<>();
    for (int i = 0; i < points.size(); i++) {
      Point p = points.get(i);
      String colour = COLOURS[i % COLOURS.length];
      double x = px(p.x().value());
      double y = py(p.y().value());
      s.append("<g class=\"point\" data-model=\"").append(Html.esc(p.label())).append("\">\n");
      s.append(line(px(p.x().low()), y, px(p.x().high()), y, colour));
      s.append(line(x, py(p.y().low()), x, py(p.y().high()), colour));
      s.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"6\" fill=\"%s\"><title>%s: not_overrefuse %s,"
          + " goodness@0.1 %s</title></circle>%n", x, y, colour, Html.esc(p.label()), p.x().display(), p.y().display()));
      boolean leftSide = p.x().value() > 0.7;
      double[] box = labelBox(x, y, p.label(), leftSide, placed);
      placed.add(box);
      s.append(text(leftSide ? box[2] : box[0], box[3], p.label(), leftSide ? "end" : "start", 12, colour));
      s.append("</g>\n");
    }
    s.append("</svg>\n");
    return s.toString();
  }

  /**
   * Where a point's label goes: above the point, else below it, else further up or down, whichever first clears
   * the labels already placed (models with similar scores would otherwise print over each other). Returns the
   * label's box as {@code [left, top, right, baseline]}.
   */
  static double[] labelBox(double x, double y, String label, boolean leftSide, List<double[]> placed) {
    double width = 7.0 * label.length();
    double x0 = leftSide ? x - 10 - width : x + 10;
    double x1 = leftSide ? x - 10 : x + 10 + width;
    double[] candidate = null;
    for (double baseline : new double[] {y - 8, y + 20, y - 22, y + 34, y - 36, y + 48}) {
      candidate = new double[] {x0, baseline - 12, x1, baseline};
      if (placed.stream().noneMatch(b -> overlaps(b, x0, x1, baseline))) {
        return candidate;
      }
    }
    return candidate;
  }

  private static boolean overlaps(double[] box, double x0, double x1, double baseline) {
    return x0 < box[2] && box[0] < x1 && baseline - 12 < box[3] && box[1] < baseline;
  }

  static double px(double v) {
    return LEFT + v * (W - LEFT - RIGHT);
  }

  static double py(double v) {
    return H - BOTTOM - v * (H - TOP - BOTTOM);
  }

  private static String line(double x1, double y1, double x2, double y2, String colour) {
    return String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" stroke-width=\"1.5\"/>%n",
        x1, y1, x2, y2, colour);
  }

  private static String text(double x, double y, String text, String anchor, int size, String colour) {
    return String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" font-size=\"%d\" fill=\"%s\">%s</text>%n",
        x, y, anchor, size, colour, Html.esc(text));
  }
}
