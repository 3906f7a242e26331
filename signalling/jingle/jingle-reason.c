/* jingle-reason.c — XEP-0166 §7.4 reason conditions: names ↔ enum. */
#include "signalling/jingle/jingle-reason.h"

#include "signalling/xmpp/xmpp-error.h"

static const char *const names[JA_JINGLE_N_REASONS] = {
  [JA_JINGLE_REASON_ALTERNATIVE_SESSION] = "alternative-session",
  [JA_JINGLE_REASON_BUSY] = "busy",
  [JA_JINGLE_REASON_CANCEL] = "cancel",
  [JA_JINGLE_REASON_CONNECTIVITY_ERROR] = "connectivity-error",
  [JA_JINGLE_REASON_DECLINE] = "decline",
  [JA_JINGLE_REASON_EXPIRED] = "expired",
  [JA_JINGLE_REASON_FAILED_APPLICATION] = "failed-application",
  [JA_JINGLE_REASON_FAILED_TRANSPORT] = "failed-transport",
  [JA_JINGLE_REASON_GENERAL_ERROR] = "general-error",
  [JA_JINGLE_REASON_GONE] = "gone",
  [JA_JINGLE_REASON_INCOMPATIBLE_PARAMETERS] = "incompatible-parameters",
  [JA_JINGLE_REASON_MEDIA_ERROR] = "media-error",
  [JA_JINGLE_REASON_SECURITY_ERROR] = "security-error",
  [JA_JINGLE_REASON_SUCCESS] = "success",
  [JA_JINGLE_REASON_TIMEOUT] = "timeout",
  [JA_JINGLE_REASON_UNSUPPORTED_APPLICATIONS] = "unsupported-applications",
  [JA_JINGLE_REASON_UNSUPPORTED_TRANSPORTS] = "unsupported-transports",
};

const char *
ja_jingle_reason_to_string (JaJingleReason reason)
{
  if ((guint) reason >= JA_JINGLE_N_REASONS)
    return "general-error";
  return names[reason];
}

gboolean
ja_jingle_reason_from_string (const char *name, JaJingleReason *out,
    GError **error)
{
  for (guint i = 0; name != NULL && i < JA_JINGLE_N_REASONS; i++) {
    if (g_str_equal (names[i], name)) {
      *out = i;
      return TRUE;
    }
  }
  g_set_error (error, JA_XMPP_ERROR, JA_XMPP_ERROR_BAD_REQUEST,
      "unknown Jingle reason '%.64s'", name ? name : "(none)");
  return FALSE;
}
