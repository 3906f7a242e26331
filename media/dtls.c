/* dtls.c — one DTLS-SRTP handshake (RFC 5763, RFC 5764, XEP-0320) over any
 * datagram path. GnuTLS runs DTLS 1.2 only and non-blocking
 * (GNUTLS_NONBLOCK; in blocking mode it sleeps 50 ms at every would-block):
 * its push function hands each record flight to the caller's send function,
 * its pull function takes datagrams from a bounded queue that
 * ja_dtls_receive() fills, and retransmissions are scheduled from
 * gnutls_dtls_get_timeout() on a GSource of the thread-default main context
 * captured by ja_dtls_new(). A deadline bounds the whole handshake.
 *
 * Both ends present a certificate (the server requires the client's). Trust
 * comes from signalling, not from a CA: the peer certificate, hashed with
 * the signalled hash, must equal the signalled fingerprint (RFC 5763 §5)
 * before any key is handed out; when the handshake ends before the
 * fingerprint is known, we wait for ja_dtls_set_peer_fingerprint(). The
 * result is always reported from an idle source, never from inside a call
 * into this file.
 *
 * States: NEW → HANDSHAKING → (WAIT_FINGERPRINT →) DONE, or FAILED. */
#include "media/dtls.h"

#include <errno.h>
#include <string.h>

#include <gnutls/dtls.h>
#include <gnutls/gnutls.h>

#include "media/media-error.h"

#define DTLS_MTU 1200
#define DEFAULT_RETRANSMIT_MS 1000      /* RFC 6347 §4.2.4.1: initial 1 s */
#define DEFAULT_HANDSHAKE_MS 10000
/* Limits on what a peer may make us hold before the handshake reads it. */
#define MAX_QUEUED_DATAGRAMS 64
#define MAX_DATAGRAM (16384 + 256)       /* a full record plus header */
#define DTLS_RECORD_HEADER 13
/* Bound on gnutls_handshake() calls per step; each either progresses or
 * consumes a queued datagram. */
#define MAX_STEP_ROUNDS (MAX_QUEUED_DATAGRAMS + 8)
#define SRTP_PROFILES "SRTP_AES128_CM_HMAC_SHA1_80:SRTP_AES128_CM_HMAC_SHA1_32"
#define PRIORITY "NORMAL:-VERS-ALL:+VERS-DTLS1.2"

typedef enum {
  STATE_NEW,
  STATE_HANDSHAKING,
  STATE_WAIT_FINGERPRINT,
  STATE_DONE,
  STATE_FAILED,
  N_STATES
} State;

static const char *const state_names[N_STATES] = {
  [STATE_NEW] = "new",
  [STATE_HANDSHAKING] = "handshaking",
  [STATE_WAIT_FINGERPRINT] = "wait-fingerprint",
  [STATE_DONE] = "done",
  [STATE_FAILED] = "failed",
};

struct _JaDtls {
  JaDtlsCert *cert;
  JaDtlsRole role;
  gnutls_session_t session;
  State state;
  char *peer_hash;
  char *peer_fingerprint;

  JaDtlsSendFunc send;
  JaDtlsDoneFunc done;
  gpointer user_data;

  GMainContext *context;
  GQueue queue;                   /* of GBytes: received, not yet pulled */
  GSource *retransmit;
  GSource *deadline;
  GSource *report;
  JaSrtpKeys *result_keys;        /* waiting for the report source */
  GError *result_error;
  gboolean in_step;

  guint retransmit_ms;
  guint handshake_timeout_ms;
  gint64 start_us;
  gint64 handshake_us;
};

static void step (JaDtls *self);

static void
destroy_source (GSource *source)
{
  g_source_destroy (source);
  g_source_unref (source);
}

static void
set_state (JaDtls *self, State state)
{
  if (self->state == state)
    return;
  g_debug ("dtls %p (%s): %s -> %s", (void *) self,
      self->role == JA_DTLS_ROLE_CLIENT ? "client" : "server",
      state_names[self->state], state_names[state]);
  self->state = state;
}

/* The one GnuTLS → GError helper of this file. */
static GError *
gnutls_to_error (int ret, const char *what)
{
  return g_error_new (JA_MEDIA_ERROR, JA_MEDIA_ERROR_DTLS, "%s: %s", what,
      gnutls_strerror (ret));
}

/* --- GnuTLS transport over the datagram queue --- */

static ssize_t
push_cb (gnutls_transport_ptr_t ptr, const void *data, size_t len)
{
  JaDtls *self = ptr;

  /* A datagram the path cannot take is lost, as on a network: DTLS
   * retransmits. */
  if (!self->send (data, len, self->user_data))
    g_debug ("dtls %p: send of %zu bytes dropped", (void *) self, len);
  return (ssize_t) len;
}

static ssize_t
pull_cb (gnutls_transport_ptr_t ptr, void *data, size_t size)
{
  JaDtls *self = ptr;
  g_autoptr (GBytes) dgram = g_queue_pop_head (&self->queue);
  gsize len;
  const guint8 *bytes;

  if (dgram == NULL) {
    gnutls_transport_set_errno (self->session, EAGAIN);
    return -1;
  }
  bytes = g_bytes_get_data (dgram, &len);
  len = MIN (len, size);
  memcpy (data, bytes, len);
  return (ssize_t) len;
}

static int
pull_timeout_cb (gnutls_transport_ptr_t ptr, unsigned int ms)
{
  JaDtls *self = ptr;

  (void) ms;                      /* never block: the main loop waits */
  return g_queue_is_empty (&self->queue) ? 0 : 1;
}

/* --- reporting --- */

static gboolean
report_cb (gpointer data)
{
  JaDtls *self = data;
  JaSrtpKeys *keys = g_steal_pointer (&self->result_keys);
  GError *error = g_steal_pointer (&self->result_error);
  JaDtlsDoneFunc done = self->done;
  gpointer user_data = self->user_data;

  g_clear_pointer (&self->report, g_source_unref);
  /* The callback may free self: touch nothing of it afterwards. */
  done (self, keys, error, user_data);
  g_clear_error (&error);
  return G_SOURCE_REMOVE;
}

static void
report (JaDtls *self, JaSrtpKeys *keys, GError *error)
{
  g_assert ((keys == NULL) != (error == NULL));
  g_assert (self->report == NULL);

  g_clear_pointer (&self->retransmit, destroy_source);
  g_clear_pointer (&self->deadline, destroy_source);
  self->result_keys = keys;
  self->result_error = error;
  self->report = g_idle_source_new ();
  g_source_set_callback (self->report, report_cb, self, NULL);
  g_source_attach (self->report, self->context);
}

static void
fail (JaDtls *self, GError *error)
{
  if (self->state == STATE_FAILED || self->state == STATE_DONE) {
    g_error_free (error);
    return;
  }
  g_debug ("dtls %p: failed: %s", (void *) self, error->message);
  set_state (self, STATE_FAILED);
  g_queue_clear_full (&self->queue, (GDestroyNotify) g_bytes_unref);
  report (self, NULL, error);
}

/* --- after the handshake: keys, once the peer is who signalling says --- */

static JaSrtpKeys *
export_keys (JaDtls *self, GError **error)
{
  gnutls_srtp_profile_t profile;
  gnutls_datum_t ck, cs, sk, ss;
  guint8 material[2 * (32 + 14)];
  g_autoptr (JaSrtpKeys) keys = g_new0 (JaSrtpKeys, 1);
  int ret;

  ret = gnutls_srtp_get_selected_profile (self->session, &profile);
  if (ret < 0) {
    g_propagate_error (error, gnutls_to_error (ret,
            "the peer agreed on no SRTP profile (use_srtp)"));
    return NULL;
  }
  switch (profile) {
  case GNUTLS_SRTP_AES128_CM_HMAC_SHA1_80:
    keys->profile = JA_SRTP_PROFILE_AES128_CM_SHA1_80;
    break;
  case GNUTLS_SRTP_AES128_CM_HMAC_SHA1_32:
    keys->profile = JA_SRTP_PROFILE_AES128_CM_SHA1_32;
    break;
  default:
    g_set_error (error, JA_MEDIA_ERROR, JA_MEDIA_ERROR_DTLS,
        "unusable SRTP profile %d", (int) profile);
    return NULL;
  }
  ret = gnutls_srtp_get_keys (self->session, material, sizeof material,
      &ck, &cs, &sk, &ss);
  if (ret < 0 || ck.size != sk.size || cs.size != ss.size
      || ck.size > sizeof keys->client_key
      || cs.size > sizeof keys->client_salt) {
    gnutls_memset (material, 0, sizeof material);
    g_propagate_error (error, gnutls_to_error (ret < 0 ? ret
            : GNUTLS_E_INTERNAL_ERROR, "exporting the SRTP keys"));
    return NULL;
  }
  keys->key_len = ck.size;
  keys->salt_len = cs.size;
  memcpy (keys->client_key, ck.data, ck.size);
  memcpy (keys->server_key, sk.data, sk.size);
  memcpy (keys->client_salt, cs.data, cs.size);
  memcpy (keys->server_salt, ss.data, ss.size);
  gnutls_memset (material, 0, sizeof material);
  return g_steal_pointer (&keys);
}

static gboolean
check_fingerprint (JaDtls *self, GError **error)
{
  const gnutls_datum_t *peers;
  unsigned n = 0;
  g_autofree char *actual = NULL;
  g_autoptr (GError) local = NULL;

  peers = gnutls_certificate_get_peers (self->session, &n);
  if (peers == NULL || n == 0) {
    g_set_error (error, JA_MEDIA_ERROR, JA_MEDIA_ERROR_FINGERPRINT,
        "the peer presented no certificate");
    return FALSE;
  }
  actual = ja_dtls_fingerprint_compute (self->peer_hash, peers[0].data,
      peers[0].size, &local);
  if (actual == NULL) {
    g_set_error (error, JA_MEDIA_ERROR, JA_MEDIA_ERROR_FINGERPRINT,
        "cannot check the peer certificate: %s", local->message);
    return FALSE;
  }
  if (!ja_dtls_fingerprint_equal (actual, self->peer_fingerprint)) {
    g_set_error (error, JA_MEDIA_ERROR, JA_MEDIA_ERROR_FINGERPRINT,
        "the peer certificate's %s fingerprint %s is not the signalled %s",
        self->peer_hash, actual, self->peer_fingerprint);
    return FALSE;
  }
  return TRUE;
}

static void
verify_and_finish (JaDtls *self)
{
  GError *error = NULL;
  JaSrtpKeys *keys;

  if (!check_fingerprint (self, &error)) {
    gnutls_alert_send (self->session, GNUTLS_AL_FATAL,
        GNUTLS_A_BAD_CERTIFICATE);
    fail (self, error);
    return;
  }
  keys = export_keys (self, &error);
  if (keys == NULL) {
    fail (self, error);
    return;
  }
  set_state (self, STATE_DONE);
  report (self, keys, NULL);
}

static void
handshake_complete (JaDtls *self)
{
  self->handshake_us = MAX (g_get_monotonic_time () - self->start_us, 1);
  g_clear_pointer (&self->retransmit, destroy_source);
  g_debug ("dtls %p: %s handshake in %" G_GINT64_FORMAT " us", (void *) self,
      ja_dtls_get_version_name (self), self->handshake_us);
  if (self->peer_fingerprint == NULL) {
    set_state (self, STATE_WAIT_FINGERPRINT);   /* the deadline still runs */
    return;
  }
  verify_and_finish (self);
}

/* After the handshake GnuTLS still answers a peer that retransmits its last
 * flight (ours was lost) from inside gnutls_record_recv(); application data
 * has no meaning on this path and is dropped. */
static void
drain_records (JaDtls *self)
{
  guint8 buf[2048];

  for (guint i = 0; i < MAX_STEP_ROUNDS; i++) {
    ssize_t ret = gnutls_record_recv (self->session, buf, sizeof buf);

    if (ret == GNUTLS_E_AGAIN || ret == GNUTLS_E_INTERRUPTED) {
      if (g_queue_is_empty (&self->queue))
        break;
      continue;
    }
    if (ret == 0 || (ret < 0 && gnutls_error_is_fatal ((int) ret))) {
      g_debug ("dtls %p: after the handshake: %s", (void *) self,
          ret == 0 ? "peer closed" : gnutls_strerror ((int) ret));
      g_queue_clear_full (&self->queue, (GDestroyNotify) g_bytes_unref);
      break;
    }
  }
}

/* --- driving the handshake --- */

static gboolean
retransmit_cb (gpointer data)
{
  JaDtls *self = data;

  g_clear_pointer (&self->retransmit, g_source_unref);
  step (self);
  return G_SOURCE_REMOVE;
}

static gboolean
deadline_cb (gpointer data)
{
  JaDtls *self = data;

  g_clear_pointer (&self->deadline, g_source_unref);
  fail (self, g_error_new (JA_MEDIA_ERROR, JA_MEDIA_ERROR_DTLS,
          self->state == STATE_WAIT_FINGERPRINT
          ? "no peer fingerprint was signalled within %u ms"
          : "DTLS handshake timed out after %u ms",
          self->handshake_timeout_ms));
  return G_SOURCE_REMOVE;
}

static void
schedule_retransmit (JaDtls *self)
{
  unsigned ms = gnutls_dtls_get_timeout (self->session);

  g_clear_pointer (&self->retransmit, destroy_source);
  self->retransmit = g_timeout_source_new (MAX (ms, 1));
  g_source_set_callback (self->retransmit, retransmit_cb, self, NULL);
  g_source_attach (self->retransmit, self->context);
}

static void
step (JaDtls *self)
{
  int ret = GNUTLS_E_AGAIN;

  if (self->state != STATE_HANDSHAKING || self->in_step)
    return;
  self->in_step = TRUE;
  for (guint i = 0; i < MAX_STEP_ROUNDS; i++) {
    ret = gnutls_handshake (self->session);
    if (ret == 0 || gnutls_error_is_fatal (ret))
      break;
    /* AGAIN, INTERRUPTED, or a warning alert: go on while input is left. */
    if ((ret == GNUTLS_E_AGAIN || ret == GNUTLS_E_INTERRUPTED)
        && g_queue_is_empty (&self->queue))
      break;
  }
  self->in_step = FALSE;

  if (ret == 0)
    handshake_complete (self);
  else if (gnutls_error_is_fatal (ret))
    fail (self, gnutls_to_error (ret, "DTLS handshake"));
  else
    schedule_retransmit (self);
}

/* --- public --- */

static gboolean
setup_session (JaDtls *self, GError **error)
{
  unsigned flags = GNUTLS_DATAGRAM | GNUTLS_NONBLOCK
      | (self->role == JA_DTLS_ROLE_CLIENT ? GNUTLS_CLIENT : GNUTLS_SERVER);
  const char *err_pos = NULL;
  int ret;

  if ((ret = gnutls_init (&self->session, flags)) < 0
      || (ret = gnutls_priority_set_direct (self->session, PRIORITY,
              &err_pos)) < 0
      || (ret = gnutls_credentials_set (self->session, GNUTLS_CRD_CERTIFICATE,
              ja_dtls_cert_get_credentials (self->cert))) < 0
      || (ret = gnutls_srtp_set_profile_direct (self->session, SRTP_PROFILES,
              &err_pos)) < 0) {
    g_propagate_error (error, gnutls_to_error (ret, "setting up DTLS"));
    return FALSE;
  }
  if (self->role == JA_DTLS_ROLE_SERVER)
    gnutls_certificate_server_set_request (self->session, GNUTLS_CERT_REQUIRE);
  gnutls_dtls_set_mtu (self->session, DTLS_MTU);
  gnutls_dtls_set_timeouts (self->session, self->retransmit_ms,
      self->handshake_timeout_ms);
  gnutls_transport_set_ptr (self->session, self);
  gnutls_transport_set_push_function (self->session, push_cb);
  gnutls_transport_set_pull_function (self->session, pull_cb);
  gnutls_transport_set_pull_timeout_function (self->session, pull_timeout_cb);
  return TRUE;
}

JaDtls *
ja_dtls_new (JaDtlsCert *cert, JaDtlsRole role, const char *peer_hash_name,
    const char *peer_fingerprint, JaDtlsSendFunc send, JaDtlsDoneFunc done,
    gpointer user_data, GError **error)
{
  JaDtls *self;

  g_return_val_if_fail (cert != NULL, NULL);
  g_return_val_if_fail (send != NULL && done != NULL, NULL);
  g_return_val_if_fail (role == JA_DTLS_ROLE_CLIENT
      || role == JA_DTLS_ROLE_SERVER, NULL);

  self = g_new0 (JaDtls, 1);
  self->cert = ja_dtls_cert_ref (cert);
  self->role = role;
  self->send = send;
  self->done = done;
  self->user_data = user_data;
  self->context = g_main_context_ref_thread_default ();
  self->retransmit_ms = DEFAULT_RETRANSMIT_MS;
  self->handshake_timeout_ms = DEFAULT_HANDSHAKE_MS;
  g_queue_init (&self->queue);
  if (peer_fingerprint != NULL) {
    self->peer_hash = g_strdup (peer_hash_name);
    self->peer_fingerprint = g_strdup (peer_fingerprint);
  }
  if (!setup_session (self, error)) {
    ja_dtls_free (self);
    return NULL;
  }
  return self;
}

void
ja_dtls_set_timeouts (JaDtls *self, guint retransmit_ms, guint handshake_ms)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (self->state == STATE_NEW);
  g_return_if_fail (retransmit_ms > 0 && handshake_ms > 0);

  self->retransmit_ms = retransmit_ms;
  self->handshake_timeout_ms = handshake_ms;
  gnutls_dtls_set_timeouts (self->session, retransmit_ms, handshake_ms);
}

void
ja_dtls_free (JaDtls *self)
{
  if (self == NULL)
    return;
  g_clear_pointer (&self->retransmit, destroy_source);
  g_clear_pointer (&self->deadline, destroy_source);
  g_clear_pointer (&self->report, destroy_source);
  g_clear_pointer (&self->result_keys, ja_srtp_keys_free);
  g_clear_error (&self->result_error);
  g_queue_clear_full (&self->queue, (GDestroyNotify) g_bytes_unref);
  if (self->session != NULL)
    gnutls_deinit (self->session);
  g_main_context_unref (self->context);
  ja_dtls_cert_unref (self->cert);
  g_free (self->peer_hash);
  g_free (self->peer_fingerprint);
  g_free (self);
}

void
ja_dtls_set_peer_fingerprint (JaDtls *self, const char *hash_name,
    const char *fingerprint)
{
  g_return_if_fail (self != NULL);

  if (fingerprint == NULL || self->state == STATE_DONE
      || self->state == STATE_FAILED)
    return;
  g_free (self->peer_hash);
  g_free (self->peer_fingerprint);
  self->peer_hash = g_strdup (hash_name);
  self->peer_fingerprint = g_strdup (fingerprint);
  if (self->state == STATE_WAIT_FINGERPRINT)
    verify_and_finish (self);
}

void
ja_dtls_start (JaDtls *self)
{
  g_return_if_fail (self != NULL);

  if (self->state != STATE_NEW)
    return;
  set_state (self, STATE_HANDSHAKING);
  /* A server's clock starts at the first ClientHello, not while it waits
   * for ICE and the peer (else dtls_ms counts ICE twice). */
  if (self->role == JA_DTLS_ROLE_CLIENT || !g_queue_is_empty (&self->queue))
    self->start_us = g_get_monotonic_time ();
  self->deadline = g_timeout_source_new (self->handshake_timeout_ms);
  g_source_set_callback (self->deadline, deadline_cb, self, NULL);
  g_source_attach (self->deadline, self->context);
  /* A server only answers, unless a ClientHello is already queued. */
  if (self->role == JA_DTLS_ROLE_CLIENT || !g_queue_is_empty (&self->queue))
    step (self);
}

void
ja_dtls_receive (JaDtls *self, const guint8 *data, gsize len)
{
  g_return_if_fail (self != NULL);

  if (self->state == STATE_FAILED)
    return;
  if (data == NULL || len < DTLS_RECORD_HEADER || len > MAX_DATAGRAM
      || !ja_dtls_is_dtls_packet (data, len)) {
    g_debug ("dtls %p: dropped a %zu-byte datagram that is no DTLS record",
        (void *) self, len);
    return;
  }
  if (g_queue_get_length (&self->queue) >= MAX_QUEUED_DATAGRAMS) {
    g_debug ("dtls %p: receive queue full, datagram dropped", (void *) self);
    return;
  }
  g_queue_push_tail (&self->queue, g_bytes_new (data, len));
  if (self->in_step)
    return;                       /* the running step reads it */
  if (self->state == STATE_HANDSHAKING) {
    if (self->start_us == 0)
      self->start_us = g_get_monotonic_time ();
    step (self);
  } else if (self->state == STATE_WAIT_FINGERPRINT
      || self->state == STATE_DONE)
    drain_records (self);
}

gboolean
ja_dtls_is_done (JaDtls *self)
{
  g_return_val_if_fail (self != NULL, FALSE);
  return self->state == STATE_DONE;
}

JaDtlsRole
ja_dtls_get_role (JaDtls *self)
{
  g_return_val_if_fail (self != NULL, JA_DTLS_ROLE_CLIENT);
  return self->role;
}

guint
ja_dtls_get_handshake_ms (JaDtls *self)
{
  g_return_val_if_fail (self != NULL, 0);
  if (self->state != STATE_DONE)
    return 0;
  return (guint) ((self->handshake_us + 999) / 1000);
}

guint64
ja_dtls_get_handshake_us (JaDtls *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->state == STATE_DONE ? (guint64) self->handshake_us : 0;
}

const char *
ja_dtls_get_version_name (JaDtls *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  if (self->handshake_us == 0)
    return NULL;
  return gnutls_protocol_get_name (gnutls_protocol_get_version (self->session));
}

gboolean
ja_dtls_is_dtls_packet (const guint8 *data, gsize len)
{
  return data != NULL && len >= 1 && data[0] >= 20 && data[0] <= 63;
}
