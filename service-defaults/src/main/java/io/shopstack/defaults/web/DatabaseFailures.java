package io.shopstack.defaults.web;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.Optional;
import org.springframework.dao.DataAccessException;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.jdbc.support.SQLExceptionTranslator;
import org.springframework.jdbc.support.SQLStateSQLExceptionTranslator;
import org.springframework.transaction.TransactionSystemException;

/**
 * Tells a database that cannot be reached from one that is only busy, by Spring's own translation
 * of the driver's SQL state ({@link SQLStateSQLExceptionTranslator}: connection exceptions, class
 * 08; operator intervention, 57; insufficient resources, 53...: {@link
 * DataAccessResourceFailureException}). Loaded only where Spring JDBC is on the class path.
 */
final class DatabaseFailures {

  /** Why a request could not be served by the database. */
  enum Failure {
    /** The database is down, refuses connections or dropped them. */
    UNREACHABLE,
    /**
     * Every pooled connection was in use for the whole connection timeout, while the database
     * answered: HikariCP's timeout then carries no SQL state, since no connection attempt failed.
     */
    BUSY
  }

  private static final SQLExceptionTranslator SQL_STATES = new SQLStateSQLExceptionTranslator();

  private DatabaseFailures() {}

  static Optional<Failure> of(Throwable ex) {
    // A statement failed on a dropped connection, then the rollback failed too: Spring throws the
    // rollback's failure and keeps the first aside, which tells what happened.
    if (ex instanceof TransactionSystemException failed
        && failed.getApplicationException() != null) {
      Optional<Failure> first = of(failed.getApplicationException());
      if (first.isPresent()) {
        return first;
      }
    }
    // Spring's wrappers (CannotGetJdbcConnectionException, CannotCreateTransactionException, a
    // DataAccessException) keep the driver's or the pool's exception as their cause.
    SQLException sql =
        ex instanceof SQLException direct
            ? direct
            : ex.getCause() instanceof SQLException cause ? cause : null;
    if (sql instanceof SQLTransientConnectionException && sql.getSQLState() == null) {
      return Optional.of(Failure.BUSY);
    }
    DataAccessException translated =
        ex instanceof DataAccessException access
                && !(ex instanceof CannotGetJdbcConnectionException)
            ? access
            : sql == null ? null : SQL_STATES.translate("database call", null, sql);
    return translated instanceof DataAccessResourceFailureException
        ? Optional.of(Failure.UNREACHABLE)
        : Optional.empty();
  }
}
