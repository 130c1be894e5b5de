package io.shopstack.k8s;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.gson.JsonObject;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import java.beans.IntrospectionException;
import java.beans.Introspector;
import java.beans.PropertyDescriptor;
import java.lang.reflect.InvocationTargetException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * The Gateway API objects of components/gateway-api against fabric8's generated v1 models: Jackson
 * rejects wrong JSON types, and since the models keep fields they do not know in {@code
 * additionalProperties} instead of failing, every such field anywhere in the object is reported as
 * unknown.
 */
final class GatewayApiSchema {

  static final Map<String, Class<?>> MODELS =
      Map.of(
          "gateway.networking.k8s.io/v1/Gateway", Gateway.class,
          "gateway.networking.k8s.io/v1/HTTPRoute", HTTPRoute.class);

  private static final ObjectMapper MAPPER =
      new ObjectMapper().disable(DeserializationFeature.ACCEPT_SINGLE_VALUE_AS_ARRAY);

  private GatewayApiSchema() {}

  /** The violation of one object, or null when it is valid. */
  static String validate(String key, JsonObject o) {
    Object model;
    try {
      model = MAPPER.readValue(o.toString(), MODELS.get(key));
    } catch (Exception e) {
      return "invalid " + key + ": " + e.getMessage().lines().findFirst().orElse("");
    }
    List<String> unknown = new ArrayList<>();
    unknownFields(model, "", unknown);
    return unknown.isEmpty() ? null : "invalid " + key + ": unknown fields " + unknown;
  }

  private static void unknownFields(Object value, String path, List<String> unknown) {
    if (value == null) {
      return;
    }
    if (value instanceof Collection<?> items) {
      int i = 0;
      for (Object item : items) {
        unknownFields(item, path + "[" + i++ + "]", unknown);
      }
      return;
    }
    if (!value.getClass().getPackageName().startsWith("io.fabric8.kubernetes.api.model")) {
      return;
    }
    try {
      for (PropertyDescriptor property :
          Introspector.getBeanInfo(value.getClass(), Object.class).getPropertyDescriptors()) {
        if (property.getReadMethod() == null) {
          continue;
        }
        Object child = property.getReadMethod().invoke(value);
        if (property.getName().equals("additionalProperties") && child instanceof Map<?, ?> extra) {
          extra.keySet().forEach(field -> unknown.add(path + "." + field));
        } else {
          unknownFields(child, path + "." + property.getName(), unknown);
        }
      }
    } catch (IntrospectionException | IllegalAccessException | InvocationTargetException e) {
      throw new AssertionError("cannot read " + value.getClass(), e);
    }
  }
}
