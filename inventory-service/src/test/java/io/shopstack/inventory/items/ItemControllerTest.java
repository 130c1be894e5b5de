package io.shopstack.inventory.items;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.verifyNoInteractions;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.http.MediaType;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.assertj.MockMvcTester;
import org.springframework.test.web.servlet.assertj.MvcTestResult;

/**
 * The item endpoints over a mocked repository: what a client sees for good requests, unknown items
 * and every kind of bad input. Every error is a problem document with a 4xx status, and bad input
 * never reaches the repository.
 */
@WebMvcTest(ItemController.class)
class ItemControllerTest {

  @Autowired MockMvcTester mvc;
  @MockitoBean ItemRepository items;

  @Test
  void listsItems() {
    given(items.findAll()).willReturn(List.of(new Item("SKU-RED-MUG", "Red Ceramic Mug", 7)));

    assertThat(mvc.get().uri("/api/inventory/items"))
        .hasStatusOk()
        .bodyJson()
        .isStrictlyEqualTo(
            """
            [{"sku": "SKU-RED-MUG", "name": "Red Ceramic Mug", "available": 7}]""");
  }

  @Test
  void getsOneItem() {
    given(items.find("SKU-RED-MUG"))
        .willReturn(Optional.of(new Item("SKU-RED-MUG", "Red Ceramic Mug", 7)));

    assertThat(mvc.get().uri("/api/inventory/items/SKU-RED-MUG"))
        .hasStatusOk()
        .bodyJson()
        .isStrictlyEqualTo(
            """
            {"sku": "SKU-RED-MUG", "name": "Red Ceramic Mug", "available": 7}""");
  }

  @Test
  void unknownItemIsNotFound() {
    given(items.find("SKU-NONE")).willReturn(Optional.empty());

    MvcTestResult result = mvc.get().uri("/api/inventory/items/SKU-NONE").exchange();

    assertProblem(result, 404);
    assertThat(result)
        .bodyJson()
        .hasPathSatisfying(
            "$.type",
            t -> assertThat(t).asString().isEqualTo("https://shop.example/problems/item-not-found"))
        .hasPathSatisfying("$.sku", s -> assertThat(s).asString().isEqualTo("SKU-NONE"));
  }

  @Test
  void createsItem() {
    given(items.save(new Item("SKU-BLUE-MUG", "Blue Mug", 4))).willReturn(true);

    assertThat(putItem("SKU-BLUE-MUG", "{\"name\": \"Blue Mug\", \"available\": 4}"))
        .hasStatus(201)
        .hasHeader("Location", "/api/inventory/items/SKU-BLUE-MUG")
        .bodyJson()
        .isStrictlyEqualTo(
            """
            {"sku": "SKU-BLUE-MUG", "name": "Blue Mug", "available": 4}""");
  }

  @Test
  void replacesItem() {
    given(items.save(new Item("SKU-BLUE-MUG", "Blue Mug", 4))).willReturn(false);

    assertThat(putItem("SKU-BLUE-MUG", "{\"name\": \"Blue Mug\", \"available\": 4}"))
        .hasStatusOk()
        .bodyJson()
        .extractingPath("$.name")
        .isEqualTo("Blue Mug");
  }

  @Test
  void badItemsAreBadRequests() {
    for (String body :
        List.of(
            "{\"available\": 4}",
            "{\"name\": \"\", \"available\": 4}",
            "{\"name\": \"   \", \"available\": 4}",
            "{\"name\": \"" + "x".repeat(201) + "\", \"available\": 4}",
            "{\"name\": \"Blue Mug\"}",
            "{\"name\": \"Blue Mug\", \"available\": -1}",
            "{\"name\": \"Blue Mug\", \"available\": 4, \"price\": 3}",
            "{\"name\": \"Blue Mug\"",
            "")) {
      assertProblem(putItem("SKU-BLUE-MUG", body), 400);
    }
    assertProblem(putItem("blue-mug", "{\"name\": \"Blue Mug\", \"available\": 4}"), 400);
    verifyNoInteractions(items);
  }

  @Test
  void setsStock() {
    given(items.setStock("SKU-RED-MUG", 0))
        .willReturn(Optional.of(new Item("SKU-RED-MUG", "Red Ceramic Mug", 0)));

    assertThat(putStock("SKU-RED-MUG", "{\"available\": 0}"))
        .hasStatusOk()
        .bodyJson()
        .extractingPath("$.available")
        .isEqualTo(0);
  }

  @Test
  void settingStockOfUnknownItemIsNotFound() {
    given(items.setStock("SKU-NONE", 5)).willReturn(Optional.empty());

    assertProblem(putStock("SKU-NONE", "{\"available\": 5}"), 404);
  }

  @Test
  void badSkuInPathIsBadRequest() {
    assertProblem(mvc.get().uri("/api/inventory/items/red-mug").exchange(), 400);
    assertProblem(putStock("red-mug", "{\"available\": 5}"), 400);
    assertProblem(mvc.get().uri("/api/inventory/items/" + "A".repeat(65)).exchange(), 400);
    verifyNoInteractions(items);
  }

  @Test
  void badStockBodiesAreBadRequests() {
    for (String body :
        List.of(
            "{\"available\": -1}",
            "{\"available\": 1000000001}",
            "{}",
            "{\"available\": null}",
            "{\"available\": \"many\"}",
            "{\"available\": 1.5}",
            "{\"available\": \"5\"}",
            "{\"available\": 5, \"name\": \"x\"}",
            "{\"available\": ",
            "[]",
            "")) {
      assertProblem(putStock("SKU-RED-MUG", body), 400);
    }
    verifyNoInteractions(items);
  }

  @Test
  void negativeStockNamesTheField() {
    assertThat(putStock("SKU-RED-MUG", "{\"available\": -1}"))
        .bodyJson()
        .isLenientlyEqualTo(
            """
            {"status": 400, "errors": [{"field": "available"}]}""");
  }

  @Test
  void wrongContentTypeIsUnsupported() {
    MvcTestResult result =
        mvc.put()
            .uri("/api/inventory/items/SKU-RED-MUG/stock")
            .contentType(MediaType.TEXT_PLAIN)
            .content("5")
            .exchange();

    assertProblem(result, 415);
    assertProblem(
        mvc.put()
            .uri("/api/inventory/items/SKU-RED-MUG")
            .contentType(MediaType.APPLICATION_FORM_URLENCODED)
            .content("name=Mug&available=5")
            .exchange(),
        415);
  }

  @Test
  void oversizedBodyIsTooLarge() {
    String body = "{\"available\": 5, \"padding\": \"" + "x".repeat(70 * 1024) + "\"}";

    assertProblem(putStock("SKU-RED-MUG", body), 413);
    verifyNoInteractions(items);
  }

  @Test
  void wrongMethodIsNotAllowed() {
    assertProblem(mvc.delete().uri("/api/inventory/items/SKU-RED-MUG").exchange(), 405);
  }

  private MvcTestResult putItem(String sku, String body) {
    return mvc.put()
        .uri("/api/inventory/items/{sku}", sku)
        .contentType(MediaType.APPLICATION_JSON)
        .content(body)
        .exchange();
  }

  private MvcTestResult putStock(String sku, String body) {
    return mvc.put()
        .uri("/api/inventory/items/{sku}/stock", sku)
        .contentType(MediaType.APPLICATION_JSON)
        .content(body)
        .exchange();
  }

  static void assertProblem(MvcTestResult result, int status) {
    assertThat(result).hasStatus(status);
    assertThat(result).contentType().isCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON);
    assertThat(result).bodyJson().extractingPath("$.status").isEqualTo(status);
  }
}
