/* cli.h — what the subcommands of the jingle-agent CLI share: the common
 * options, output (human or --json), the wire log, and exit codes. */
#pragma once

#include <glib.h>
#include "agent/config.h"
#include "agent/events-json.h"
#include "plugins/file-transfer/ft-transfer.h"
#include "signalling/xmpp/xmpp-stream.h"

G_BEGIN_DECLS

/* Exit codes: a contract with users' scripts. */
enum {
  JA_EXIT_OK = 0,
  JA_EXIT_FAILURE = 1,
  JA_EXIT_USAGE = 2,
  JA_EXIT_CONNECT = 3,     /* connection or TLS failure */
  JA_EXIT_AUTH = 4,        /* authentication failure */
  JA_EXIT_DECLINED = 5,    /* peer declined or unreachable */
  JA_EXIT_TRANSFER = 6,    /* transfer failed */
  JA_EXIT_MEDIA = 7,       /* media failure */
  JA_EXIT_PEER_CHANGED = 8, /* serverless: the peer's certificate is not
                             * the one recorded or pinned */
};

typedef struct {
  JaConfig config;
  char *config_file;
  gboolean json;
  gboolean verbose;
  char *log_xmpp;          /* NULL: off; "" : everything; else a filter */
  gboolean log_xmpp_set;
  GMainLoop *loop;
  int exit_code;
  struct _JaDiscovery *discovery;   /* serverless mDNS/DNS-SD, when on */
  gboolean connection_lost;  /* the stream is reconnecting (said so) */
} JaCli;

/* Adds the common option group to ctx. */
void ja_cli_add_common_options (JaCli *cli, GOptionContext *ctx);
/* After parsing: load the config file, set up logging. */
gboolean ja_cli_prepare (JaCli *cli, GError **error);
void ja_cli_clear (JaCli *cli);

/* Print a fact: "label: value" for humans, a JSON event otherwise. */
void ja_cli_say (JaCli *cli, const char *format, ...) G_GNUC_PRINTF (2, 3);
/* Report a failure in one line (stderr, and an "error" event with --json)
 * and return the exit code for it. */
int ja_cli_fail (JaCli *cli, const GError *error);
int ja_cli_exit_code_for (const GError *error);

/* Serverless --listen: say where, with our certificate's SHA-256 (a
 * "listening" event with --json); publish us on the local network when
 * discovery is on (Avahi), else say it is off and why. */
void ja_cli_say_listening (JaCli *cli, JaXmppStream *stream);
/* Serverless: the connected peer, its address and certificate. */
void ja_cli_say_peer (JaCli *cli, const char *cmd, JaXmppStream *stream);

/* Build a stream from the options, wired to the wire log. A connection
 * lost and found again is said ("connection-lost" with the error and when
 * the next try is, then "reconnected" with whether the XEP-0198 session
 * was resumed). */
JaXmppStream *ja_cli_new_stream (JaCli *cli, GError **error);

/* Print what happens to t (events, progress, the outcome; cli-transfer.c). */
void ja_cli_watch_transfer (JaCli *cli, JaFtTransfer *t, const char *peer);

int ja_cmd_check (int argc, char **argv);
int ja_cmd_send (int argc, char **argv);
int ja_cmd_receive (int argc, char **argv);
int ja_cmd_fetch (int argc, char **argv);
int ja_cmd_demo (int argc, char **argv);
int ja_cmd_devices (int argc, char **argv);

G_END_DECLS
