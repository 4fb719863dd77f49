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
//	defer vc.Logout(context.WithoutCancel(ctx))
//
//	task, err := vc.FailoverToCloud(ctx, "C4-09b2917c-bbe9-4693-ae3f-95b43a94b244",
//		vcav.VmFailoverSettings{PowerOn: ptr(true)})
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
// minutes). Up to DefaultTransientRetries (3) consecutive transient
// failures (network errors, per-request timeouts, 429, 502, 503 and 504
// responses) are retried with the same backoff; other errors end the wait
// at once, as does the cancellation of the context. WithTimer makes the
// sleeps injectable for tests.
package client
