package io.rebound.repair;

/**
 * Validated inputs of one workstation repair, the workstation's settings resolved at the start: a setting
 * changed later does not change a run already asked for or approved.
 *
 * @param retransmissionWait ISO-8601 duration between looks for replicas asked for again
 * @param retransmissionGiveUp ISO-8601 duration after which waiting for them raises an incident
 */
public record WorkstationRepairRequest(String workstation, boolean approvalRequired, String retransmissionWait, String retransmissionGiveUp) {}
