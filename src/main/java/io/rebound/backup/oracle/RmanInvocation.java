package io.rebound.backup.oracle;

import io.rebound.runbook.DetachedProcess;
import io.rebound.runbook.JobRunner;
import io.rebound.runbook.JobStatus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How RMAN is run for a target: its {@code rman-command} (by default {@code rman target /}, operating system
 * authentication, so no password is ever on a command line or in a file Rebound keeps), followed by
 * {@code cmdfile=} and {@code log=} in the job's directory, with the target's {@code environment} (ORACLE_HOME,
 * ORACLE_SID...). The session's language is fixed to AMERICAN and its date format to {@code YYYY-MM-DD HH24:MI:SS}
 * (NLS_DATE_FORMAT is read only when NLS_LANG is set), so that {@link RmanLog} reads the same words and dates on
 * every host. The run is a command's job of a {@link JobRunner} (a {@link DetachedProcess}): started or attached to,
 * then polled; {@link RmanJobs} waits for it.
 */
public final class RmanInvocation {

  public static final List<String> DEFAULT_COMMAND = List.of("rman", "target", "/");
  static final String COMMAND_FILE = "rman.cmd";
  static final String LOG_FILE = "rman.log";
  static final String DATE_FORMAT = "YYYY-MM-DD HH24:MI:SS";
  private static final Pattern VARIABLE = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,63}");
  /** {@code user/password}, with or without {@code @service}: a password where none may be. */
  private static final Pattern CREDENTIALS = Pattern.compile("^[^/=@\\s]+/.*$");
  private static final Pattern NLS_LANG = Pattern.compile("^[^_.]*(?:_[^.]*)?\\.([A-Za-z0-9]+)$");

  private RmanInvocation() {}

  /** The argument vector, environment and files of one RMAN run in {@code jobDirectory}. */
  public record Invocation(List<String> command, Map<String, String> environment, Map<String, String> files) {
    public Invocation {
      command = List.copyOf(command);
      environment = Map.copyOf(environment);
      files = Map.copyOf(files);
    }
  }

  /** Where a job stands, and what its log says so far. */
  public record Poll(DetachedProcess.Status status, Integer exitCode, RmanLog log) {

    /** Ended, successfully or not. */
    public boolean ended() {
      return status == DetachedProcess.Status.SUCCEEDED || status == DetachedProcess.Status.FAILED
          || status == DetachedProcess.Status.VANISHED;
    }

    /** Ended with exit code 0 and a log that says every command ran. */
    public boolean succeeded() {
      return status == DetachedProcess.Status.SUCCEEDED && log.succeeded();
    }

    /** What failed and why, once the job ended without success. */
    public Optional<String> failure() {
      if (!ended() || succeeded()) {
        return Optional.empty();
      }
      if (status == DetachedProcess.Status.VANISHED) {
        return Optional.of("RMAN stopped without an exit code (its host restarted or it was killed): " + log.failure(null)
            .orElse("its log ends without an error"));
      }
      return Optional.of(log.failure(exitCode).orElse("RMAN exited with code " + exitCode));
    }
  }

  /**
   * The invocation of {@code script}. The configured command is refused when it holds credentials or names its own
   * command or log file.
   */
  public static Invocation of(List<String> rmanCommand, Map<String, String> environment, Path jobDirectory, String script) {
    List<String> configured = rmanCommand == null || rmanCommand.isEmpty() ? DEFAULT_COMMAND : rmanCommand;
    Path directory = RmanScripts.path(jobDirectory, "job directory");
    Map<String, String> variables = environment(environment == null ? Map.of() : environment);
    List<String> command = new ArrayList<>();
    command.add(program(configured.get(0), variables));
    for (String argument : configured.subList(1, configured.size())) {
      command.add(argument(argument));
    }
    command.add("cmdfile=" + directory.resolve(COMMAND_FILE));
    command.add("log=" + directory.resolve(LOG_FILE));
    return new Invocation(command, variables, Map.of(COMMAND_FILE, script));
  }

  /**
   * Starts the run in {@code job}'s directory unless it runs or ran already (on any node sharing the work directory), then
   * reports where it stands.
   *
   * @param job the runner of a command's job ({@link JobRunner#of(DetachedProcess)})
   */
  public static Poll startOrAttach(JobRunner job, List<String> rmanCommand, Map<String, String> environment, String script) {
    Invocation invocation = of(rmanCommand, environment, job.directory(), script);
    return poll(job, job.startOrAttach(new JobRunner.Command(invocation.command(), invocation.environment(), invocation.files())));
  }

  /** Where the run in {@code job}'s directory stands; starts nothing. */
  public static Poll poll(JobRunner job) {
    return poll(job, job.look());
  }

  private static Poll poll(JobRunner job, JobStatus status) {
    // RMAN writes to its log= file; what it prints before opening it (a bad argument) lands in the job's own log.
    List<String> lines = new ArrayList<>(lines(status.log()));
    lines.addAll(lines(job.directory().resolve(LOG_FILE)));
    return new Poll(status.status(), status.exitCode(), RmanLog.parse(lines));
  }

  private static List<String> lines(Path file) {
    try {
      return Files.exists(file) ? Files.readAllLines(file) : List.of();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  /** The target's variables, then the language and date format the log is read in. */
  static Map<String, String> environment(Map<String, String> configured) {
    Map<String, String> variables = new LinkedHashMap<>();
    configured.forEach((name, value) -> {
      if (name == null || !VARIABLE.matcher(name).matches()) {
        throw new IllegalArgumentException("environment variable name '" + name + "' must be letters, digits and '_'");
      }
      if (value == null || value.indexOf('\n') >= 0 || value.indexOf('\0') >= 0) {
        throw new IllegalArgumentException("environment variable " + name + " must be one line");
      }
      variables.put(name, value);
    });
    String charset = Optional.ofNullable(configured.get("NLS_LANG")).map(NLS_LANG::matcher).filter(Matcher::matches)
        .map(matcher -> matcher.group(1)).orElse("AL32UTF8");
    variables.put("NLS_LANG", "AMERICAN_AMERICA." + charset);
    variables.put("NLS_DATE_FORMAT", DATE_FORMAT);
    return variables;
  }

  /** {@code rman} alone runs the one of ORACLE_HOME when the target names one: the PATH of Rebound's host may hold another. */
  private static String program(String program, Map<String, String> environment) {
    String checked = argument(program);
    String home = environment.get("ORACLE_HOME");
    if (checked.equals("rman") && home != null && !home.isBlank()) {
      return Path.of(home, "bin", "rman").toString();
    }
    return checked;
  }

  private static String argument(String argument) {
    if (argument == null || argument.isBlank()) {
      throw new IllegalArgumentException("rman-command has an empty argument");
    }
    String lower = argument.toLowerCase(Locale.ROOT);
    if (CREDENTIALS.matcher(argument).matches() || lower.contains("password")) {
      throw new IllegalArgumentException("rman-command must not hold credentials (user/password): connect with operating system"
          + " authentication (target /) or a wallet (target /@alias)");
    }
    if (lower.startsWith("cmdfile") || lower.startsWith("log") || lower.startsWith("@") || lower.equals("append")) {
      throw new IllegalArgumentException("rman-command must not name a command file or log ('" + argument + "'): Rebound gives them");
    }
    return argument;
  }
}
