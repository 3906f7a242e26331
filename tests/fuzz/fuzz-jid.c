/* fuzz-jid.c — libFuzzer target for ja_jid_parse (RFC 7622): the input is
 * one JID as text (up to the first NUL). Whatever parses must print back
 * to a JID that parses to an equal one (normalisation is idempotent), and
 * no input may reach g_warning or g_critical. */

#include <stdint.h>
#include <string.h>

#include <glib.h>

#include "signalling/xmpp/jid.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  static gboolean once;
  g_autofree char *text = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (JaJid) jid = NULL;

  if (!once) {      /* a peer must never reach g_warning/g_critical */
    g_log_set_always_fatal (G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
    once = TRUE;
  }

  text = g_strndup ((const char *) data, size);
  jid = ja_jid_parse (text, &error);
  if (jid == NULL) {
    g_assert (error != NULL);
    return 0;
  }
  g_assert (error == NULL);

  {
    g_autofree char *full = ja_jid_to_string (jid);
    g_autofree char *bare = ja_jid_to_bare (jid);
    g_autoptr (JaJid) again = ja_jid_parse (full, NULL);
    g_autofree char *bare_again = ja_jid_string_to_bare (full);

    g_assert (again != NULL);
    g_assert (ja_jid_equal (jid, again));
    g_assert (bare_again != NULL && strcmp (bare, bare_again) == 0);
    g_assert (ja_jid_string_bare_equal (text, full));
  }
  return 0;
}
