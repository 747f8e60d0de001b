package io.rebound.api;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.rebound.api.ApiExceptionHandler.RunNotFoundException;
import io.rebound.config.ReboundGroups;
import io.rebound.target.Target;
import io.rebound.target.TargetCapabilities;
import io.rebound.target.Targets;
import java.io.IOException;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /api/targets}: the configured databases by name, dialect and what Rebound can do with each, and the dump
 * files a schema restore can name. Never a URL, an account or a password: what a requester needs to fill in a
 * request, nothing to connect with.
 */
@RestController
@RequestMapping("/api/targets")
class TargetController {

  private final Targets targets;
  private final Callers callers;
  private final DumpFiles dumps;
  private final TargetCapabilities capabilities;

  TargetController(Targets targets, Callers callers, DumpFiles dumps, TargetCapabilities capabilities) {
    this.targets = targets;
    this.callers = callers;
    this.dumps = dumps;
    this.capabilities = capabilities;
  }

  /** One target as a requester sees it. */
  record TargetView(String name, String dialect, Map<String, Boolean> supports, Map<String, String> links) {}

  @Operation(summary = "The configured targets: name, dialect and what each supports",
      description = "Nothing to connect with: no URL, account or password. Links to a target's dumps and backups where it has them.")
  @ApiResponse(responseCode = "200", description = "the targets, by name")
  @GetMapping
  List<TargetView> list() {
    callers.requireGroup("reading targets", ReboundGroups.OPERATORS, ReboundGroups.APPROVERS, ReboundGroups.ADMINS);
    return targets.all().stream().sorted(Comparator.comparing(Target::name)).map(target -> {
      Map<String, Boolean> supports = capabilities.of(target);
      boolean dumpsHere = supports.get("schemaRestore");
      boolean backsUp = supports.get("backups");
      Map<String, String> links = new LinkedHashMap<>();
      if (dumpsHere) {
        links.put("dumps", "/api/targets/" + target.name() + "/dumps");
      }
      if (backsUp) {
        links.put("backups", "/api/backups?target=" + target.name());
      }
      return new TargetView(target.name(), target.dialect().name().toLowerCase(Locale.ROOT), supports, links);
    }).toList();
  }

  /** The dump files of a target's dump directory, newest first: regular files directly inside it, nothing else. */
  @Operation(summary = "The dump files in a target's dump directory, newest first",
      description = "Regular files directly inside the directory, with size and time; no folders, links or hidden files.")
  @Parameter(name = "name", description = "the target's name")
  @ApiResponse(responseCode = "200", description = "the dump files")
  @ApiResponse(responseCode = "404", description = "no such target, or it has no dump directory")
  @GetMapping("/{name}/dumps")
  List<DumpFiles.DumpFile> dumps(@PathVariable String name) throws IOException {
    callers.requireGroup("reading targets", ReboundGroups.OPERATORS, ReboundGroups.APPROVERS, ReboundGroups.ADMINS);
    Target target = targets.find(name).orElseThrow(() -> new RunNotFoundException("no target " + name + "; configured targets: " + targets.names()));
    if (target.dumpDirectory() == null) {
      throw new RunNotFoundException("target " + name + " has no dump directory (rebound.targets." + name + ".dump-directory)");
    }
    return dumps.in(target.dumpDirectory()).orElseThrow(() -> new RunNotFoundException("the dump directory of target " + name
        + " cannot be read from this node"));
  }

}
