// Package client is a thin, ergonomic layer over the oapi-codegen clients in
// gen/vcav and gen/vcha for the two VMware failover APIs:
//
//   - VCAV, for VMware Cloud Director Availability: log in, fail a VM
//     replication over (POST /vm-replications/{replicationId}/failover) and
//     wait for the task it returns.
//   - VCHA, for the vSphere Automation API of a vCenter HA cluster: log in,
//     read the cluster and its mode, start a failover
//     (POST /api/vcenter/vcha/cluster?action=failover&vmw-task=true) and
//     wait for the CIS task.
//
// Both clients keep the session token after Login and send it on every
// later call (X-VCAV-Auth, vmware-api-session-id), send
// Accept: application/json, and return the generated models. Raw gives the
// generated client, sharing the session, for anything not wrapped here.
//
// # Usage
//
//	vc, err := client.NewVCAV("https://vcda.example.com", client.WithCAFile("/etc/pki/vcda-ca.pem"))
//	if err != nil { ... }
//	if _, err := vc.LoginVCD(ctx, "admin@org1", password); err != nil { ... }
//	defer func() { _ = vc.Logout(context.WithoutCancel(ctx)) }()
//
//	powerOn := true
//	task, err := vc.FailoverToCloud(ctx, "C4-09b2917c-bbe9-4693-ae3f-95b43a94b244",
//		vcav.VmFailoverSettings{PowerOn: &powerOn})
//	if err != nil { ... }
//	done, err := vc.WaitTask(ctx, task.Id, client.Site(*task.Site),
//		client.OnProgress(func(state string, pct int) { log.Printf("%s %d%%", state, pct) }))
//	var failed *client.TaskFailedError
//	switch {
//	case errors.As(err, &failed):
//		// The failover ran and failed; failed.Err is the task's *client.VCAVError.
//	case err != nil:
//		// The wait itself failed: timeout, cancellation, network, HTTP error.
//	}
//	replication, err := vc.FailoverResult(done)
//
// # Errors
//
// Every method returns one of these, usually wrapped only by the client's
// own context; use errors.As:
//
//   - *VCAVError or *VCHAError: the server answered an error status with the
//     vendor's error body (ApiError with a code such as
//     VmReplicationNotFound; Std_Errors_Error with an error_type such as
//     UNAUTHENTICATED). IsVCAVCode and IsVCHAErrorType test them.
//   - *UnexpectedResponseError: any other response the client cannot
//     interpret (an HTML error page from a proxy, a redirect, an undecodable
//     body), with an excerpt of at most 512 bytes.
//   - *TransportError: no response, for example a refused connection, a
//     timeout or a TLS certificate that does not verify; it wraps the cause.
//   - *TaskFailedError: WaitTask saw the task end without success; it holds
//     the task and unwraps to the vendor error the task carries.
//   - *TaskLostError: the vSphere WaitTask had to log in again and the task
//     read then answered 404 (the new active node of a vCenter HA cluster
//     may not know the old node's tasks); the outcome is unknown: read the
//     cluster roles to verify it.
//
// # Security
//
// TLS certificates are verified by default, with TLS 1.2 or later.
// WithCAFile and WithCAPEM add private CAs to a copy of the system roots;
// WithInsecureSkipVerify is an explicit opt-in. The clients built here do
// not follow redirects, because Go would forward the token header to the
// redirect target. Session tokens and passwords never appear in error
// strings (they are replaced by [REDACTED] even if a server echoes them) or
// in any fmt or log/slog rendering of the clients.
//
// # Waiting for tasks
//
// WaitTask polls at once, then after PollInterval (500ms), growing the
// delay by 1.5 up to MaxPollInterval (5s), for at most WaitTimeout (30
// minutes). A VCAV task ends only when SUCCEEDED or FAILED (QUEUED and
// unknown states are pending); a vSphere task when SUCCEEDED or FAILED
// (or a status this package does not know).
//
// WaitTask is built to survive a vCenter HA failover, where the API is
// gone for up to about 5 minutes (refused or reset connections, 503) and
// comes back without the old sessions:
//
//   - Transient failures (network errors, per-request timeouts, 429, 502,
//     503 and 504 responses; never TLS verification failures) are retried
//     with the same backoff for RetryBudget (DefaultRetryBudget, 10
//     minutes) without a successful poll in between; then the error wraps
//     ErrRetryBudgetExhausted and the last failure.
//   - Clients keep the credentials of their last Login (in memory, never
//     printed, logged or put in errors; Logout forgets them; WithoutRelogin
//     turns this off). A poll refused with 401 makes WaitTask log in again
//     once and carry on; a second 401 before a poll succeeds is an error
//     wrapping ErrReloginRejected.
//   - A vSphere task read that answers 404 after such a re-login gives a
//     *TaskLostError.
//
// Other errors end the wait at once, as does the cancellation of the
// context. WithTimer makes the sleeps injectable for tests; the retry
// budget counts the delays slept, so it follows an injected timer.
package client
