package io.shopstack.defaults.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Requests that Tomcat refuses before any servlet runs (a NUL byte or an encoded slash in the path)
 * are answered with a problem document too, not Tomcat's HTML error page. Sent over a raw socket,
 * since HTTP clients refuse to send some of these.
 */
@SpringBootTest(
    classes = ServiceDefaultsWebTest.TestApp.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = "server.address=127.0.0.1")
class TomcatRefusalsTest {

  @LocalServerPort int port;

  @Test
  void refusedPathsGetAProblemDocument() throws Exception {
    for (String path : new String[] {"/things/%00", "/things/a%2Fb", "/things/..%2F..%2Fsecret"}) {
      String answer =
          send("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
      assertThat(answer).as(path).startsWith("HTTP/1.1 400");
      assertThat(answer).as(path).containsIgnoringCase("Content-Type: application/problem+json");
      assertThat(answer).as(path).contains("\"status\":400").doesNotContain("<html");
    }
  }

  private String send(String request) throws Exception {
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
      OutputStream out = socket.getOutputStream();
      out.write(request.getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
