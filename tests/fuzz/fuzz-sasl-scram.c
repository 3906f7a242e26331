/* fuzz-sasl-scram.c — libFuzzer target for the SCRAM client's parsers
 * (RFC 5802 §7). The input is a server-first-message, a '\n', and a
 * server-final-message; the second is only fed when the first passes.
 * The client nonce is fixed to the RFC 5802 §5 one so that the corpus can
 * carry the RFC exchange; iterations are capped at 4096 to keep PBKDF2
 * cheap. No input may reach g_warning or g_critical. */

#include <stdint.h>
#include <string.h>

#include <glib.h>

#include "signalling/xmpp/sasl-scram.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  static gboolean once;
  const char *text = (const char *) data;
  const char *newline = memchr (data, '\n', size);
  gsize first_len = newline != NULL ? (gsize) (newline - text) : size;
  const char *rest = newline != NULL ? newline + 1 : text + size;
  gsize rest_len = size - (gsize) (rest - text);
  g_autoptr (JaScram) scram = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *first = NULL;
  g_autofree char *final = NULL;
  gboolean ok;

  if (!once) {      /* a peer must never reach g_warning/g_critical */
    g_log_set_always_fatal (G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
    once = TRUE;
  }

  scram = ja_scram_new (JA_SCRAM_SHA_1, "user", "pencil", NULL, NULL, 0,
      FALSE, "fyko+d2lbbFgONRv9qkxdawL");
  ja_scram_set_min_iterations (scram, 1);
  ja_scram_set_max_iterations (scram, 4096);
  first = ja_scram_client_first (scram);

  final = ja_scram_client_final (scram, text, first_len, &error);
  if (final == NULL) {
    g_assert (error != NULL);
    return 0;
  }
  g_assert (error == NULL);

  ok = ja_scram_verify_server_final (scram, rest, rest_len, &error);
  g_assert (ok == (error == NULL));
  return 0;
}
