/* probe-cli.h: the expert probes run straight from the command line (`sendfix probe NAME`). */
#ifndef SENDFIX_PROBE_CLI_H
#define SENDFIX_PROBE_CLI_H

/*
 * sendfix probe smtp HOST [--port N] [--security none|starttls|tls] [--user U
 * --password-file F] [--from ADDR] [--timeout SECONDS] [--cafile FILE]
 * [--resolver ADDR[:PORT]] [--format text|json] (argv[0] is "probe"). Runs one SMTP check
 * and prints, on standard output, the dialogue, the capabilities before and after TLS, the
 * TLS parameters and the certificate chain, the timings and a one-line verdict; every
 * string from the network is sanitised. The password comes only from a file and is wiped
 * after use. Returns the exit status of interface.md: 0 when the whole path works, 1 when
 * a cause was found, 2 on a usage or input error (said on standard error, like an unknown
 * probe name), 3 when the result is inconclusive.
 */
int	 probe_cli_main(int argc, char **argv);

#endif
