package io.shopstack.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

class TestPostgresTest {

  @Test
  void givesEachCallerItsOwnWorkingDatabase() throws Exception {
    TestPostgres.Database first = TestPostgres.newDatabase();
    TestPostgres.Database second = TestPostgres.newDatabase();
    assertThat(first.jdbcUrl()).isNotEqualTo(second.jdbcUrl());

    try (Connection c =
            DriverManager.getConnection(first.jdbcUrl(), first.username(), first.password());
        Statement s = c.createStatement()) {
      s.execute("create table t (id int primary key)");
      s.execute("insert into t values (1)");
      ResultSet rs = s.executeQuery("select current_database(), count(*) from t group by 1");
      assertThat(rs.next()).isTrue();
      assertThat(rs.getInt(2)).isEqualTo(1);
    }
    try (Connection c =
            DriverManager.getConnection(second.jdbcUrl(), second.username(), second.password());
        Statement s = c.createStatement()) {
      ResultSet rs =
          s.executeQuery("select count(*) from information_schema.tables where table_name = 't'");
      rs.next();
      assertThat(rs.getInt(1)).as("databases are isolated").isZero();
    }
  }
}
