package io.rebound.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.context.annotation.ClassPathScanningCandidateComponentProvider;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.core.type.filter.AnnotationTypeFilter;
import org.yaml.snakeyaml.Yaml;

/**
 * {@code docker/compose.yaml} shows Rebound's settings as environment variables, and those names are only right as long
 * as the properties behind them keep their names. Every {@code REBOUND_} variable of the Rebound service, set or
 * commented out, is bound the way Spring binds the environment (relaxed names: dashes dropped, map keys kept) to
 * Rebound's real configuration properties: each must change what is bound. A renamed or removed property fails here.
 */
class ComposeEnvironmentTest {

  private static final Path COMPOSE = Path.of("docker/compose.yaml");
  /** Properties Rebound reads from the environment directly rather than through a properties class. */
  private static final List<String> READ_DIRECTLY = List.of("rebound.backup.retention-schedule");
  /** Spring Boot's own settings the compose file uses, and the property each is. */
  private static final Map<String, String> SPRING = Map.of(
      "SPRING_PROFILES_ACTIVE", "spring.profiles.active",
      "SPRING_DATASOURCE_URL", "spring.datasource.url",
      "SPRING_DATASOURCE_USERNAME", "spring.datasource.username",
      "SPRING_CONFIG_IMPORT", "spring.config.import");
  private static final Pattern COMMENTED = Pattern.compile("^\\s*#\\s*(REBOUND_[A-Z0-9_]+):\\s*(.*)$");

  static Map<String, String> set;
  static Map<String, String> shown;
  static List<String> configtreeFiles;
  static List<Class<?>> propertyClasses;

  @BeforeAll
  @SuppressWarnings("unchecked")
  static void read() throws IOException, ClassNotFoundException {
    Map<String, Object> compose;
    try (InputStream in = Files.newInputStream(COMPOSE)) {
      compose = new Yaml().load(in);
    }
    Map<String, Object> rebound = (Map<String, Object>) ((Map<String, Object>) compose.get("services")).get("rebound");
    set = new LinkedHashMap<>();
    ((Map<String, Object>) rebound.get("environment")).forEach((name, value) -> set.put(name, String.valueOf(value)));
    shown = new LinkedHashMap<>(set);
    boolean inRebound = false;
    for (String line : Files.readAllLines(COMPOSE)) {
      inRebound = line.startsWith("  rebound:") || (inRebound && !line.matches("^  [a-z].*"));
      Matcher commented = COMMENTED.matcher(line);
      if (inRebound && commented.matches()) {
        shown.put(commented.group(1), commented.group(2).replaceAll("^\"|\"$", ""));
      }
    }
    configtreeFiles = new ArrayList<>();
    for (Object volume : (List<Object>) rebound.get("volumes")) {
      String target = volume.toString().split(":")[1];
      if (target.startsWith("/run/secrets/rebound/")) {
        String file = target.substring("/run/secrets/rebound/".length());
        if (file.startsWith("rebound.") || file.startsWith("spring.")) {
          configtreeFiles.add(file);
        }
      }
    }
    ClassPathScanningCandidateComponentProvider scanner = new ClassPathScanningCandidateComponentProvider(false);
    scanner.addIncludeFilter(new AnnotationTypeFilter(ConfigurationProperties.class));
    propertyClasses = new ArrayList<>();
    for (BeanDefinition candidate : scanner.findCandidateComponents("io.rebound")) {
      propertyClasses.add(Class.forName(candidate.getBeanClassName()));
    }
  }

  @Test
  void shouldFindReboundsPropertiesAndAVariableForThoseThatMatter() {
    assertThat(propertyClasses).extracting(Class::getSimpleName)
        .contains("ReboundProperties", "AdminProperties", "AuditProperties", "S3StorageProperties", "WorkstationProperties");
    assertThat(shown).containsKeys("REBOUND_ADMIN_USERNAME", "REBOUND_ADMIN_PASSWORDFILE", "REBOUND_AUDIT_HMACKEYFILE",
        "REBOUND_TARGETS_XE_DUMPDIRECTORY", "REBOUND_TARGETS_XE_BACKUP_RECOVERYWINDOW", "REBOUND_STORAGE_S3_BUCKET",
        "REBOUND_WORKSTATIONS_BRANCH17_WORKINGDIRECTORY", "REBOUND_BACKUP_RETENTIONSCHEDULE", "REBOUND_WORKDIRECTORY");
    assertThat(set.get("REBOUND_ADMIN_PASSWORDFILE")).as("the first administrator's password is a mounted secret").startsWith("/run/secrets/");
    assertThat(set.keySet()).as("no secret as an environment value").noneMatch(name -> name.endsWith("PASSWORD") || name.endsWith("KEY")
        || name.endsWith("SECRETACCESSKEY"));
  }

  @Test
  void shouldBindEveryReboundVariableOfTheComposeFileToAPropertyOfRebound() {
    Map<Class<?>, Object> all = bindAll(shown);
    List<String> unbound = new ArrayList<>();
    for (String variable : shown.keySet().stream().filter(name -> name.startsWith("REBOUND_")).toList()) {
      // The value shown is often the default: another value of the same kind must change what is bound.
      Map<String, String> changed = new LinkedHashMap<>(shown);
      changed.put(variable, otherValue(shown.get(variable)));
      Map<Class<?>, Object> withOther = bindAll(changed);
      boolean changesABinding = propertyClasses.stream().anyMatch(type -> !Objects.equals(all.get(type), withOther.get(type)));
      boolean readDirectly = READ_DIRECTLY.stream().anyMatch(property -> shown.get(variable).equals(environment(Map.of(variable,
          shown.get(variable))).getProperty(property)));
      if (!changesABinding && !readDirectly) {
        unbound.add(variable);
      }
    }
    assertThat(unbound).as("variables that bind to no property of Rebound (a renamed property?)").isEmpty();
  }

  @Test
  void shouldNameOnlySpringSettingsSpringHas() {
    for (Map.Entry<String, String> variable : set.entrySet()) {
      if (variable.getKey().startsWith("SPRING_")) {
        assertThat(SPRING).as(variable.getKey() + " is a Spring Boot setting this test knows").containsKey(variable.getKey());
        assertThat(environment(Map.of(variable.getKey(), variable.getValue())).getProperty(SPRING.get(variable.getKey())))
            .isEqualTo(variable.getValue());
      } else {
        assertThat(variable.getKey()).startsWith("REBOUND_");
      }
    }
  }

  @Test
  void shouldNameSecretFilesAfterRealProperties() {
    assertThat(configtreeFiles).contains("spring.datasource.password", "rebound.storage.s3.secret-access-key",
        "rebound.targets.xe.user-passwords.WINSTORE_ADMIN");
    Map<Class<?>, Object> all = bindAll(shown);
    for (String file : configtreeFiles) {
      if (file.startsWith("rebound.")) {
        Map<Class<?>, Object> withoutIt = bind(environment(shown, configtreeFiles.stream().filter(f -> !f.equals(file)).toList()));
        assertThat(propertyClasses.stream().anyMatch(type -> !Objects.equals(all.get(type), withoutIt.get(type))))
            .as(file + " binds to a property of Rebound").isTrue();
      }
    }
  }

  /** A value of the same kind: a flag flipped, the first number one higher (PT5S, 90s, 1MB, a cron's seconds), else longer. */
  static String otherValue(String value) {
    if (value.equals("true") || value.equals("false")) {
      return String.valueOf(!Boolean.parseBoolean(value));
    }
    Matcher number = Pattern.compile("\\d+").matcher(value);
    if (number.find()) {
      return value.substring(0, number.start()) + (Long.parseLong(number.group()) + 1) + value.substring(number.end());
    }
    return value + "x";
  }

  @Test
  void shouldChangeAValueWithinItsKind() {
    assertThat(otherValue("PT5S")).isEqualTo("PT6S");
    assertThat(otherValue("0 0 1 ? * SUN")).isEqualTo("1 0 1 ? * SUN");
    assertThat(otherValue("true")).isEqualTo("false");
    assertThat(otherValue("/srv/dumps")).isEqualTo("/srv/dumpsx");
  }

  /** What Rebound binds from these variables and the compose file's secret files. */
  private static Map<Class<?>, Object> bindAll(Map<String, String> variables) {
    return bind(environment(variables, configtreeFiles));
  }

  private static Map<Class<?>, Object> bind(StandardEnvironment environment) {
    Binder binder = Binder.get(environment);
    Map<Class<?>, Object> bound = new LinkedHashMap<>();
    for (Class<?> type : propertyClasses) {
      String prefix = type.getAnnotation(ConfigurationProperties.class).value();
      prefix = prefix.isEmpty() ? type.getAnnotation(ConfigurationProperties.class).prefix() : prefix;
      try {
        bound.put(type, binder.bindOrCreate(prefix, Bindable.of(type)));
      } catch (RuntimeException refused) {
        // A setting missing its companion is refused at start: that too shows the setting is read.
        bound.put(type, "refused: " + org.springframework.core.NestedExceptionUtils.getMostSpecificCause(refused).getMessage());
      }
    }
    return bound;
  }

  /** An environment holding only these variables, read as Spring reads the process's environment. */
  private static StandardEnvironment environment(Map<String, String> variables) {
    return environment(variables, List.of());
  }

  /** The same, with secret files read as configtree reads them (the file's name is the property's). */
  private static StandardEnvironment environment(Map<String, String> variables, List<String> secretFiles) {
    StandardEnvironment environment = new StandardEnvironment();
    environment.getPropertySources().remove(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME);
    environment.getPropertySources().remove(StandardEnvironment.SYSTEM_PROPERTIES_PROPERTY_SOURCE_NAME);
    environment.getPropertySources().addFirst(new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
        new LinkedHashMap<>(variables)));
    Map<String, Object> secrets = new LinkedHashMap<>();
    secretFiles.forEach(file -> secrets.put(file, "secret-read-from-" + file));
    environment.getPropertySources().addLast(new MapPropertySource("configtree", secrets));
    ConfigurationPropertySources.attach(environment);
    return environment;
  }
}
