package io.shopstack.k8s;

import static io.shopstack.k8s.Manifests.str;
import static io.shopstack.k8s.Manifests.workloads;
import static io.shopstack.k8s.Quantities.mib;

import com.google.gson.JsonObject;
import io.shopstack.k8s.Manifests.Workload;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A JVM in a container uses its heap and, beside it, memory for classes, JIT code, threads, the
 * SkyWalking agent and the collector's structures; the kernel kills the container (exit 137) when
 * the two together pass the memory limit. So every JVM container sets its heap where its limit is
 * (in its environment, not in the image), its pod declares the non-heap budget in the annotation
 * {@value #NON_HEAP}, and heap + budget stays within {@value #SHARE_PERCENT} % of the limit. Its
 * memory request equals the limit: the heap grows to its maximum and stays there.
 */
final class MemoryRules {

  static final String NON_HEAP = "shopstack.io/jvm-non-heap";
  static final int SHARE_PERCENT = 85;

  /** The variables a JVM (the java launcher, the VM itself, the OAP and UI entrypoints) reads. */
  private static final List<String> OPTION_VARIABLES =
      List.of("JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", "JAVA_OPTS");

  private static final Pattern XMX = Pattern.compile("(?:^|\\s)-Xmx(\\S+)");
  private static final Pattern PERCENTAGE =
      Pattern.compile("(?:^|\\s)-XX:MaxRAMPercentage=([0-9.]+)");
  private static final Pattern JVM_IMAGE =
      Pattern.compile("(?:.*/)?(?:shop|shop-tools)/.*|.*skywalking-(?:oap-server|ui)(?::.*)?");

  private MemoryRules() {}

  static List<String> jvmMemory(List<JsonObject> objects) {
    List<String> violations = new ArrayList<>();
    for (Workload w : workloads(objects)) {
      for (JsonObject container : w.containers()) {
        String options = options(container);
        if (!JVM_IMAGE.matcher(String.valueOf(str(container, "image"))).matches()
            && options.isBlank()) {
          continue;
        }
        String where = w.id() + " container " + str(container, "name");
        String limitValue = str(container, "resources", "limits", "memory");
        if (limitValue == null) {
          continue; // podHardening reports the missing limit
        }
        long limit = Quantities.bytes(limitValue);
        OptionalLong heap = heap(options, limit);
        if (heap.isEmpty()) {
          violations.add(
              where
                  + ": a JVM without a heap setting beside its limit (-Xmx or"
                  + " -XX:MaxRAMPercentage in JDK_JAVA_OPTIONS or JAVA_OPTS)");
          continue;
        }
        String budgetValue = w.podAnnotations().get(NON_HEAP);
        if (budgetValue == null) {
          violations.add(
              where
                  + ": the pod does not declare the JVM's non-heap budget (annotation "
                  + NON_HEAP
                  + ")");
          continue;
        }
        long budget = Quantities.bytes(budgetValue);
        long allowed = limit * SHARE_PERCENT / 100;
        if (heap.getAsLong() + budget > allowed) {
          violations.add(
              String.format(
                  "%s: heap %s + non-heap %s = %s is more than %d %% of the memory limit %s (%s)",
                  where,
                  mib(heap.getAsLong()),
                  mib(budget),
                  mib(heap.getAsLong() + budget),
                  SHARE_PERCENT,
                  mib(limit),
                  mib(allowed)));
        }
        String request = str(container, "resources", "requests", "memory");
        if (request != null && Quantities.bytes(request) < limit) {
          violations.add(
              where
                  + ": memory request "
                  + mib(Quantities.bytes(request))
                  + " below the limit "
                  + mib(limit)
                  + ": the heap grows to its maximum, so the node must reserve the limit");
        }
      }
    }
    return violations;
  }

  /** The heap the JVM takes: the last -Xmx, else the last MaxRAMPercentage of the limit. */
  static OptionalLong heap(String options, long limit) {
    Matcher xmx = XMX.matcher(options);
    String size = null;
    while (xmx.find()) {
      size = xmx.group(1);
    }
    if (size != null) {
      return OptionalLong.of(Quantities.jvmBytes(size));
    }
    Matcher percentage = PERCENTAGE.matcher(options);
    String share = null;
    while (percentage.find()) {
      share = percentage.group(1);
    }
    return share == null
        ? OptionalLong.empty()
        : OptionalLong.of((long) (limit * Double.parseDouble(share) / 100));
  }

  private static String options(JsonObject container) {
    Map<String, String> env = Manifests.env(container);
    StringBuilder options = new StringBuilder();
    for (String variable : OPTION_VARIABLES) {
      options.append(' ').append(env.getOrDefault(variable, ""));
    }
    return options.toString().trim();
  }
}
