package io.rebound.backup.runbooks;

import io.rebound.backup.BackupCatalog;
import io.rebound.backup.BackupManifest;
import io.rebound.backup.CatalogSnapshot;
import io.rebound.backup.Piece;
import io.rebound.backup.PlanRefusedException;
import io.rebound.backup.RecoveryPlan;
import io.rebound.backup.RecoveryPoint;
import io.rebound.config.ReboundGroups;
import io.rebound.runbook.Inputs;
import io.rebound.runbook.InvalidInputException;
import io.rebound.target.Targets;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.camunda.bpm.engine.AuthorizationException;
import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.exception.NotFoundException;
import org.camunda.bpm.engine.impl.identity.Authentication;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The backups API: start a backup or a database restore (both validated by the run's start, as on every other way
 * in), read the catalog, see the plan to a point without starting anything, rebuild the catalog from the bucket and
 * apply retention.
 */
@RestController
class BackupController {

  /** The answer to a start: the run's id and where to follow it. */
  record Started(String id, String state, Map<String, String> links) {}

  /** One backup as listed. */
  record BackupView(String id, String target, String type, String parentId, long timeline, Instant startTime, Instant endTime,
      String startPosition, String endPosition, long sizeBytes, List<Piece> pieces) {

    static BackupView of(BackupManifest backup, boolean withPieces) {
      return new BackupView(backup.id(), backup.target(), backup.type().name(), backup.parentId(), backup.timeline(), backup.startTime(),
          backup.endTime(), backup.startPosition(), backup.endPosition(), backup.size(), withPieces ? backup.pieces() : null);
    }
  }

  /** A target's complete backups, newest last, and the points they can be restored to. */
  record Listing(String target, BackupCatalogService.Window recoverableWindow, int logBatches, List<BackupView> backups) {}

  private final RuntimeService runtime;
  private final IdentityService identity;
  private final BackupCatalogService catalog;
  private final Targets targets;
  private final Clock clock = Clock.systemUTC();

  BackupController(RuntimeService runtime, IdentityService identity, BackupCatalogService catalog, Targets targets) {
    this.runtime = runtime;
    this.identity = identity;
    this.catalog = catalog;
    this.targets = targets;
  }

  @Operation(summary = "Start a backup",
      description = "FULL, INCREMENTAL, LOGS (ship archived logs) or PRUNE (apply retention).",
      requestBody = @io.swagger.v3.oas.annotations.parameters.RequestBody(description = "{\"target\": \"...\", \"type\": \"FULL\"|\"INCREMENTAL\"|\"LOGS\"|\"PRUNE\"}"))
  @ApiResponse(responseCode = "201", description = "started: id and links")
  @ApiResponse(responseCode = "400", description = "invalid input; nothing started")
  @PostMapping("/api/backups")
  ResponseEntity<Started> startBackup(@RequestBody(required = false) Map<String, Object> body) {
    if (body == null) {
      throw new InvalidInputException("a JSON body {\"target\": ..., \"type\": \"FULL\"|\"INCREMENTAL\"} is required");
    }
    return started(runtime.startProcessInstanceByKey(DatabaseBackupProcess.KEY, body));
  }

  @Operation(summary = "Start a restore of a target to a point in time",
      description = "The run stops at its approval before anything is destroyed.",
      requestBody = @io.swagger.v3.oas.annotations.parameters.RequestBody(description = "{\"target\": \"...\", \"pointInTime\": \"latest\"|ISO instant, \"destination\": optional}"))
  @ApiResponse(responseCode = "201", description = "started: id and links")
  @ApiResponse(responseCode = "400", description = "the catalog cannot reach the point (the gap named), or invalid input")
  @PostMapping("/api/database-restores")
  ResponseEntity<Started> startRestore(@RequestBody(required = false) Map<String, Object> body) {
    if (body == null) {
      throw new InvalidInputException("a JSON body {\"target\": ..., \"pointInTime\": \"latest\"|ISO instant, \"destination\"?} is required");
    }
    return started(runtime.startProcessInstanceByKey(DatabaseRestoreProcess.KEY, body));
  }

  @Operation(summary = "A target's backups",
      description = "Complete backups, the number of log batches and the recoverable window.")
  @Parameter(name = "target", description = "the target's name")
  @ApiResponse(responseCode = "200", description = "backups, logBatches, recoverableWindow")
  @ApiResponse(responseCode = "400", description = "no or an unknown target")
  @GetMapping("/api/backups")
  Listing list(@RequestParam(required = false) String target) {
    readers();
    String name = BackupInputs.knownTarget(targets, target, "target");
    CatalogSnapshot snapshot = catalog.snapshot(name);
    return new Listing(name, catalog.window(snapshot), snapshot.logs().size(),
        snapshot.backups().stream().map(backup -> BackupView.of(backup, false)).toList());
  }

  @Operation(summary = "One backup with its pieces")
  @Parameter(name = "id", description = "the backup's id")
  @ApiResponse(responseCode = "200", description = "the backup, its pieces (key, size, SHA-256)")
  @ApiResponse(responseCode = "404", description = "the catalog has no such backup")
  @GetMapping("/api/backups/{id}")
  BackupView backup(@PathVariable String id) {
    readers();
    return catalog.backup(id).map(backup -> BackupView.of(backup, true))
        .orElseThrow(() -> new NotFoundException("no backup " + Inputs.abbreviate(id) + " in the catalog"));
  }

  @Operation(summary = "The plan a restore to a point would be approved on",
      description = "Backups, log batches, pieces, commands and data loss; starts nothing.")
  @Parameter(name = "target", description = "the target's name")
  @Parameter(name = "pointInTime", description = "latest or an ISO instant")
  @ApiResponse(responseCode = "200", description = "the plan")
  @ApiResponse(responseCode = "400", description = "the catalog cannot reach the point (the gap named), or invalid input")
  @GetMapping("/api/backups/plan")
  RestorePlanView plan(@RequestParam(required = false) String target, @RequestParam(required = false) String pointInTime) {
    readers();
    String name = BackupInputs.knownTarget(targets, target, "target");
    RecoveryPoint point = DatabaseRestoreInputs.point(pointInTime);
    try {
      RecoveryPlan plan = catalog.plan(name, point);
      return RestorePlanView.of(plan, name);
    } catch (PlanRefusedException e) {
      throw new InvalidInputException("no restore of " + name + " to " + point + ": " + e.getMessage());
    }
  }

  @Operation(summary = "Rebuild the catalog from the bucket's manifests alone")
  @ApiResponse(responseCode = "200", description = "backups, logBatches, refused")
  @PostMapping("/api/backups/catalog/rebuild")
  BackupCatalog.RebuildReport rebuild() {
    require("rebuilding the backup catalog", ReboundGroups.OPERATORS, ReboundGroups.ADMINS);
    return catalog.rebuild();
  }

  /** A dry run answers what retention would delete; otherwise a retention run starts, audited like every run. */
  @Operation(summary = "Apply retention",
      description = "dryRun=true (default) lists what would be deleted now and deletes nothing; dryRun=false starts a retention run.")
  @Parameter(name = "target", description = "the target's name")
  @Parameter(name = "dryRun", description = "true (default): only list")
  @ApiResponse(responseCode = "200", description = "what retention would delete")
  @ApiResponse(responseCode = "201", description = "a retention run started")
  @ApiResponse(responseCode = "400", description = "no or an unknown target")
  @PostMapping("/api/backups/prune")
  ResponseEntity<?> prune(@RequestParam(required = false) String target, @RequestParam(defaultValue = "true") boolean dryRun) {
    require("applying retention", ReboundGroups.OPERATORS, ReboundGroups.ADMINS);
    String name = BackupInputs.knownTarget(targets, target, "target");
    if (dryRun) {
      return ResponseEntity.ok(catalog.prune(name, clock.instant(), true, new io.rebound.runbook.StepLog()));
    }
    return started(runtime.startProcessInstanceByKey(DatabaseBackupProcess.KEY,
        Map.of(DatabaseBackupProcess.Variables.TARGET, name, DatabaseBackupProcess.Variables.TYPE, BackupTask.PRUNE.name())));
  }

  private static ResponseEntity<Started> started(ProcessInstance instance) {
    String self = "/api/recoveries/" + instance.getId();
    return ResponseEntity.created(URI.create(self)).body(new Started(instance.getId(), "RUNNING", Map.of("self", self, "audit",
        self + "/audit", "engine", "/engine-rest/process-instance/" + instance.getId())));
  }

  private void readers() {
    require("reading the backup catalog", ReboundGroups.OPERATORS, ReboundGroups.APPROVERS, ReboundGroups.ADMINS);
  }

  private void require(String what, String... groups) {
    Authentication authentication = identity.getCurrentAuthentication();
    if (authentication == null || authentication.getGroupIds() == null
        || authentication.getGroupIds().stream().noneMatch(List.of(groups)::contains)) {
      throw new AuthorizationException(what + " needs membership in one of " + List.of(groups));
    }
  }
}
