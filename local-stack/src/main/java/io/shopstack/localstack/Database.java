package io.shopstack.localstack;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * The shop's PostgreSQL: embedded (a real server from zonky's binaries, no Docker) on 127.0.0.1,
 * with one database per service as in the cluster, and its data thrown away when it stops.
 */
final class Database implements AutoCloseable {

  private static final String USER = "postgres";
  private static final String PASSWORD = "postgres";

  private final EmbeddedPostgres postgres;

  private Database(EmbeddedPostgres postgres) {
    this.postgres = postgres;
  }

  static Database start(Path dataDirectory, int port, String... databases) throws IOException {
    removeLeftoverData(dataDirectory);
    Database database =
        new Database(
            EmbeddedPostgres.builder()
                .setPort(port)
                .setServerConfig("listen_addresses", "127.0.0.1")
                .setDataDirectory(dataDirectory)
                .setCleanDataDirectory(true)
                .start());
    try {
      database.create(databases);
      return database;
    } catch (RuntimeException e) {
      database.close();
      throw e;
    }
  }

  int port() {
    return postgres.getPort();
  }

  String jdbcUrl(String database) {
    return "jdbc:postgresql://127.0.0.1:%d/%s".formatted(port(), database);
  }

  /** The settings that point a service at one of the databases. */
  List<String> settingsFor(String database) {
    return List.of(
        "--spring.datasource.url=" + jdbcUrl(database),
        "--spring.datasource.username=" + USER,
        "--spring.datasource.password=" + PASSWORD);
  }

  private void create(String... databases) {
    try (Connection connection = DriverManager.getConnection(jdbcUrl("postgres"), USER, PASSWORD);
        Statement statement = connection.createStatement()) {
      for (String name : databases) {
        statement.execute("CREATE DATABASE " + name);
      }
    } catch (SQLException e) {
      throw new IllegalStateException("Could not create the databases", e);
    }
  }

  /**
   * A run that was killed (SIGKILL, a crash) leaves its data behind, and PostgreSQL's initdb would
   * refuse the directory: remove it, unless the PostgreSQL of that run is still running.
   */
  private static void removeLeftoverData(Path dataDirectory) throws IOException {
    Path pidFile = dataDirectory.resolve("postmaster.pid");
    if (Files.isRegularFile(pidFile)) {
      List<String> lines = Files.readAllLines(pidFile);
      if (!lines.isEmpty()) {
        long pid = Long.parseLong(lines.getFirst().strip());
        if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
          throw new IllegalStateException(
              "PostgreSQL of an earlier run is still running (pid %d, data in %s): stop that run first"
                  .formatted(pid, dataDirectory));
        }
      }
    }
    FileTrees.delete(dataDirectory);
  }

  @Override
  public void close() throws IOException {
    postgres.close();
  }
}
