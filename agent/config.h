/* config.h — the agent's settings: a key file under the XDG config
 * directory (or --config FILE), overridden by command-line options. */
#pragma once

#include <glib.h>
#include "signalling/xmpp/xmpp-stream.h"

G_BEGIN_DECLS

typedef struct {
  char *jid;
  char *password_file;
  char *server;          /* HOST[:PORT] */
  char *ca_file;
  char *resource;
  char *pin_sha256;
  char *tls_priority;
  gboolean direct_tls;
  gboolean allow_plaintext;
  gboolean no_sm;
  gboolean no_system_trust;
  int connect_timeout_s;
  /* serverless (XEP-0174): instead of a server */
  char *listen;          /* ADDRESS:PORT to accept peers on */
  char *peer;            /* ADDRESS:PORT of a listening agent */
  char *identity;        /* our certificate and key (PEM) */
  char *known_peers;
  char *peer_fingerprint;
  gboolean insecure_plaintext;
} JaConfig;

/* Whether the options ask for a serverless stream. */
gboolean ja_config_is_serverless (const JaConfig *config);

void ja_config_clear (JaConfig *config);

/* Fill the fields still unset from the key file's [account] group. path
 * NULL: the default file, which may be absent. */
gboolean ja_config_load_file (JaConfig *config, const char *path,
    GError **error);

/* "host", "host:port", "[v6]:port", "v6" → host and port (0 when absent). */
gboolean ja_config_parse_server (const char *text, char **host, guint16 *port,
    GError **error);

/* Build the stream configuration: reads the password from password_file
 * or the JINGLE_AGENT_PASSWORD environment variable. Serverless: no
 * password; the JID names us (default: USER@HOSTNAME). */
gboolean ja_config_to_stream_config (const JaConfig *config,
    JaXmppStreamConfig *out, GError **error);

G_END_DECLS
