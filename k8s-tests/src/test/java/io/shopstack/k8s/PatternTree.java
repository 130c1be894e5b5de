package io.shopstack.k8s;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * OAP 10.4.0's quick-match grouping ({@code PatternTree} in server-core's
 * config/group/uri/quickmatch): rules and names are split at '/', a "{var}" segment matches any
 * segment, the first matching child wins with no backtracking, and only a node that ends a rule
 * renames. A name of one segment is never renamed. SkyWalkingRules groups the gateway's paths with
 * it, so that a rule that OAP would not apply fails the build.
 */
final class PatternTree {

  private final Node root = new Node(null, true);

  PatternTree(List<String> rules) {
    for (String rule : rules) {
      Node current = root;
      for (String segment : segments(rule)) {
        Node child = current.find(segment);
        if (child == null) {
          // OAP makes the first segment a literal, even "{var}".
          child = new Node(segment, current == root);
          current.children.add(child);
        }
        current = child;
      }
      current.rule = rule;
    }
  }

  /** The rule that renames the name, if one does. */
  Optional<String> match(String name) {
    List<String> segments = segments(name);
    if (segments.size() <= 1) {
      return Optional.empty();
    }
    Node current = root;
    for (String segment : segments) {
      Node next = null;
      for (Node child : current.children) {
        if (child.matches(segment)) {
          next = child;
          break;
        }
      }
      if (next == null) {
        return Optional.empty();
      }
      current = next;
    }
    return Optional.ofNullable(current.rule);
  }

  /** PatternTree.splitByCharacter: a leading '/' is dropped, empty inner segments are kept. */
  private static List<String> segments(String s) {
    List<String> parts = new ArrayList<>();
    int start = 0;
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) == '/') {
        if (i == 0) {
          start = 1;
          continue;
        }
        parts.add(s.substring(start, i));
        start = i + 1;
      }
    }
    if (start < s.length()) {
      parts.add(s.substring(start));
    }
    return parts;
  }

  private static final class Node {
    private final String segment;
    private final boolean literal;
    private final List<Node> children = new ArrayList<>();
    private String rule;

    Node(String segment, boolean literal) {
      this.segment = segment;
      this.literal = literal;
    }

    boolean matches(String s) {
      return (!literal && "{var}".equals(segment)) || segment.equals(s);
    }

    Node find(String s) {
      return children.stream().filter(c -> c.segment.equals(s)).findFirst().orElse(null);
    }
  }
}
