/* config.c — settings from the key file and the environment. Files and
 * options say where the password is; the password itself never sits in a
 * command line (it would show in ps). */
#include "agent/config.h"

#include <string.h>
#include <gio/gio.h>

void
ja_config_clear (JaConfig *c)
{
  g_free (c->jid);
  g_free (c->password_file);
  g_free (c->server);
  g_free (c->ca_file);
  g_free (c->resource);
  g_free (c->pin_sha256);
  g_free (c->tls_priority);
  g_free (c->listen);
  g_free (c->peer);
  g_free (c->identity);
  g_free (c->known_peers);
  g_free (c->peer_fingerprint);
  memset (c, 0, sizeof *c);
}

static void
take_string (GKeyFile *kf, const char *key, char **field)
{
  if (*field == NULL)
    *field = g_key_file_get_string (kf, "account", key, NULL);
}

gboolean
ja_config_load_file (JaConfig *c, const char *path, GError **error)
{
  g_autoptr (GKeyFile) kf = g_key_file_new ();
  g_autofree char *default_path = NULL;
  g_autoptr (GError) local = NULL;

  if (path == NULL) {
    default_path = g_build_filename (g_get_user_config_dir (), "jingle-agent",
        "jingle-agent.conf", NULL);
    if (!g_file_test (default_path, G_FILE_TEST_EXISTS))
      return TRUE;
    path = default_path;
  }
  if (!g_key_file_load_from_file (kf, path, G_KEY_FILE_NONE, &local)) {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
        "cannot read config %s: %s", path, local->message);
    return FALSE;
  }
  take_string (kf, "jid", &c->jid);
  take_string (kf, "password-file", &c->password_file);
  take_string (kf, "server", &c->server);
  take_string (kf, "ca-file", &c->ca_file);
  take_string (kf, "resource", &c->resource);
  take_string (kf, "pin-sha256", &c->pin_sha256);
  take_string (kf, "tls-priority", &c->tls_priority);
  take_string (kf, "identity", &c->identity);
  take_string (kf, "known-peers", &c->known_peers);
  if (!c->direct_tls)
    c->direct_tls = g_key_file_get_boolean (kf, "account", "direct-tls", NULL);
  return TRUE;
}

gboolean
ja_config_parse_server (const char *text, char **host, guint16 *port,
    GError **error)
{
  const char *colon;
  guint64 v = 0;

  *port = 0;
  if (text[0] == '[') {
    const char *end = strchr (text, ']');

    if (end == NULL || end == text + 1)
      goto bad;
    *host = g_strndup (text + 1, end - text - 1);
    colon = end[1] == ':' ? end + 1 : NULL;
    if (end[1] != '\0' && colon == NULL) {
      g_clear_pointer (host, g_free);
      goto bad;
    }
  } else {
    colon = strrchr (text, ':');
    if (colon != NULL && strchr (text, ':') != colon) {
      *host = g_strdup (text);     /* a bare IPv6 address */
      return TRUE;
    }
    *host = colon ? g_strndup (text, colon - text) : g_strdup (text);
  }
  if (colon != NULL && !g_ascii_string_to_unsigned (colon + 1, 10, 1,
          G_MAXUINT16, &v, NULL)) {
    g_clear_pointer (host, g_free);
    goto bad;
  }
  *port = v;
  if ((*host)[0] == '\0') {
    g_clear_pointer (host, g_free);
    goto bad;
  }
  return TRUE;
bad:
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
      "--server takes HOST[:PORT], not '%s'", text);
  return FALSE;
}

static char *
read_password (const JaConfig *c, GError **error)
{
  g_autofree char *contents = NULL;
  const char *env = g_getenv ("JINGLE_AGENT_PASSWORD");
  char *nl;

  if (c->password_file != NULL) {
    if (!g_file_get_contents (c->password_file, &contents, NULL, error))
      return NULL;
    nl = strpbrk (contents, "\r\n");
    if (nl != NULL)
      *nl = '\0';
    return g_steal_pointer (&contents);
  }
  if (env != NULL)
    return g_strdup (env);
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
      "no password: give --password-file FILE or set JINGLE_AGENT_PASSWORD");
  return NULL;
}

gboolean
ja_config_is_serverless (const JaConfig *c)
{
  return c->listen != NULL || c->peer != NULL;
}

/* A default name for serverless streams: USER@HOSTNAME (XEP-0174 §2.5). */
static char *
default_serverless_jid (void)
{
  g_autofree char *host = g_ascii_strdown (g_get_host_name (), -1);
  g_autofree char *user = g_ascii_strdown (g_get_user_name (), -1);

  g_strdelimit (user, "@/:'\"&<> ", '_');
  g_strdelimit (host, "@/:'\"&<> ", '_');
  return g_strdup_printf ("%s@%s", user, host);
}

static gboolean
to_serverless_config (const JaConfig *c, JaXmppStreamConfig *out,
    GError **error)
{
  if (c->listen != NULL && c->peer != NULL) {
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
        "give --listen or --peer, not both");
    return FALSE;
  }
  out->jid = c->jid != NULL ? g_strdup (c->jid) : default_serverless_jid ();
  out->resource = g_strdup (c->resource);
  out->direct_listen = g_strdup (c->listen);
  out->direct_peer = g_strdup (c->peer);
  out->identity_file = g_strdup (c->identity);
  out->known_peers_file = g_strdup (c->known_peers);
  out->peer_fingerprint = g_strdup (c->peer_fingerprint);
  out->insecure_plaintext = c->insecure_plaintext;
  out->tls_priority = g_strdup (c->tls_priority);
  out->connect_timeout_ms = c->connect_timeout_s > 0 ?
      (guint) c->connect_timeout_s * 1000 : 0;
  return TRUE;
}

gboolean
ja_config_to_stream_config (const JaConfig *c, JaXmppStreamConfig *out,
    GError **error)
{
  memset (out, 0, sizeof *out);
  if (ja_config_is_serverless (c))
    return to_serverless_config (c, out, error);
  if (c->insecure_plaintext || c->peer_fingerprint != NULL) {
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
        "--insecure-plaintext and --peer-fingerprint are for serverless "
        "streams (--listen or --peer)");
    return FALSE;
  }
  if (c->jid == NULL) {
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
        "no account: give --jid JID (or jid= in the config file)");
    return FALSE;
  }
  if (c->server != NULL && !ja_config_parse_server (c->server,
          &out->server_host, &out->server_port, error))
    return FALSE;
  out->password = read_password (c, error);
  if (out->password == NULL) {
    ja_xmpp_stream_config_clear (out);
    return FALSE;
  }
  out->jid = g_strdup (c->jid);
  out->resource = g_strdup (c->resource);
  out->ca_file = g_strdup (c->ca_file);
  out->pin_sha256 = g_strdup (c->pin_sha256);
  out->tls_priority = g_strdup (c->tls_priority);
  out->direct_tls = c->direct_tls;
  out->allow_plaintext = c->allow_plaintext;
  out->no_stream_management = c->no_sm;
  out->no_system_trust = c->no_system_trust;
  out->connect_timeout_ms = c->connect_timeout_s > 0 ?
      (guint) c->connect_timeout_s * 1000 : 0;
  return TRUE;
}
