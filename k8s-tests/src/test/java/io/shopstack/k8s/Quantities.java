package io.shopstack.k8s;

import java.math.BigDecimal;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Kubernetes resource quantities and JVM memory sizes, as plain numbers. */
final class Quantities {

  static final long MIB = 1024 * 1024;

  private static final Pattern QUANTITY = Pattern.compile("^([0-9.]+)([a-zA-Z]*)$");
  private static final Map<String, BigDecimal> SUFFIXES =
      Map.ofEntries(
          Map.entry("", BigDecimal.ONE),
          Map.entry("m", new BigDecimal("0.001")),
          Map.entry("k", BigDecimal.valueOf(1000L)),
          Map.entry("M", BigDecimal.valueOf(1000L * 1000)),
          Map.entry("G", BigDecimal.valueOf(1000L * 1000 * 1000)),
          Map.entry("T", BigDecimal.valueOf(1000L * 1000 * 1000 * 1000)),
          Map.entry("Ki", BigDecimal.valueOf(1024L)),
          Map.entry("Mi", BigDecimal.valueOf(1024L * 1024)),
          Map.entry("Gi", BigDecimal.valueOf(1024L * 1024 * 1024)),
          Map.entry("Ti", BigDecimal.valueOf(1024L * 1024 * 1024 * 1024)));

  private Quantities() {}

  /** A quantity such as {@code 768Mi}, {@code 1Gi} or {@code 2} in bytes (or in cores). */
  static BigDecimal value(String quantity) {
    Matcher m = QUANTITY.matcher(quantity.trim());
    if (!m.matches() || !SUFFIXES.containsKey(m.group(2))) {
      throw new IllegalArgumentException("not a Kubernetes quantity: " + quantity);
    }
    return new BigDecimal(m.group(1)).multiply(SUFFIXES.get(m.group(2)));
  }

  static long bytes(String quantity) {
    return value(quantity).longValue();
  }

  static long millicores(String quantity) {
    return value(quantity).multiply(BigDecimal.valueOf(1000)).longValue();
  }

  /** A JVM size such as {@code 2g}, {@code 768m} or {@code 512k} (as in -Xmx) in bytes. */
  static long jvmBytes(String size) {
    Matcher m = Pattern.compile("^(\\d+)([kKmMgGtT]?)$").matcher(size);
    if (!m.matches()) {
      throw new IllegalArgumentException("not a JVM memory size: " + size);
    }
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2).toLowerCase()) {
      case "k" -> n * 1024;
      case "m" -> n * MIB;
      case "g" -> n * 1024 * MIB;
      case "t" -> n * 1024 * 1024 * MIB;
      default -> n;
    };
  }

  static String mib(long bytes) {
    return Math.round(bytes / (double) MIB) + " MiB";
  }
}
