/* xmpp-stream-output.c — the output half of the client stream (RFC 6120):
 * a buffer drained when the socket is writable, TLS records sized and
 * padded for the server's reader while sending in bulk, and the wire log
 * with SASL payloads redacted. Shares JaXmppStream with xmpp-stream.c. */
#include "signalling/xmpp/xmpp-stream-private.h"

#include <string.h>

#include "signalling/xmpp/ns.h"
#include "signalling/xml/xml-writer.h"

static gboolean
socket_out_cb (GSocket *socket, GIOCondition cond, gpointer user_data)
{
  JaXmppStream *self = user_data;

  g_clear_pointer (&self->out_source, g_source_unref);
  if (self->state == ST_TLS_HANDSHAKE)
    ja_xmpp_stream_drive_handshake (self);
  else
    ja_xmpp_stream_flush (self);
  return G_SOURCE_REMOVE;
}

void
ja_xmpp_stream_want_write (JaXmppStream *self)
{
  if (self->out_source != NULL || self->socket == NULL)
    return;
  self->out_source = g_socket_create_source (self->socket, G_IO_OUT, NULL);
  g_source_set_callback (self->out_source, G_SOURCE_FUNC (socket_out_cb),
      self, NULL);
  g_source_attach (self->out_source, g_main_context_get_thread_default ());
}

/* Bulk output and Prosody's reader. Prosody 0.12 (net/server_epoll) reads
 * a c2s connection 4096 bytes at a time; when the TLS layer still holds
 * decrypted bytes after such a read (the read ended inside a TLS record)
 * it does not read on at once but pauses the connection for
 * read_retry_delay, which its loop rounds up to min_wait: 1.1 ms per 4 KiB.
 * With 16 KiB records every IBB block paid 4–6 such pauses, ~2.5 MB/s
 * whatever the window. The reader's 4 KiB steps restart from where it last
 * drained the socket, so we (1) write records of exactly
 * JA_XMPP_TLS_RECORD plaintext bytes, (2) while sending in bulk pad each
 * flush with whitespace to whole records (RFC 6120 allows whitespace
 * between stanzas), which keeps every record edge on one of the reader's,
 * and (3) let the first flush of a burst wait JA_XMPP_BULK_SETTLE_US after
 * a small unpadded one, so that the server has read that one on its own
 * and starts the burst aligned. Measured, 20 MiB over IBB (16 KiB blocks)
 * through a stock Prosody: 2.5 → ~10 MB/s. */
#define JA_XMPP_TLS_RECORD 4096
#define JA_XMPP_BULK_HOLD_US (100 * 1000)   /* bulk mode lasts this long */
#define JA_XMPP_BULK_SETTLE_US (3 * 1000)

static gboolean
ends_with (GByteArray *buf, const char *tail)
{
  gsize n = strlen (tail);

  return buf->len >= n && memcmp (buf->data + buf->len - n, tail, n) == 0;
}

static gboolean
flush_settled_cb (gpointer user_data)
{
  JaXmppStream *self = user_data;

  self->flush_settle_id = 0;
  ja_xmpp_stream_flush (self);
  return G_SOURCE_REMOVE;
}

/* FALSE: the flush is postponed (a timer flushes later). */
static gboolean
prepare_bulk (JaXmppStream *self)
{
  gint64 now = g_get_monotonic_time ();
  gboolean bulk = now < self->bulk_until_us;
  gsize len = self->outbuf->len;

  if (!self->tls_active || self->state != ST_READY || len == 0
      || ends_with (self->outbuf, "</stream:stream>"))
    return TRUE;
  if (self->flush_settle_id != 0)
    return FALSE;
  if (!bulk && len < JA_XMPP_TLS_RECORD)
    return TRUE;
  if (!bulk && now - self->last_flush_us < JA_XMPP_BULK_SETTLE_US) {
    self->flush_settle_id = g_timeout_add_full (G_PRIORITY_HIGH,
        MAX (1, (JA_XMPP_BULK_SETTLE_US - (now - self->last_flush_us)) / 1000),
        flush_settled_cb, self, NULL);
    return FALSE;
  }
  if (len >= JA_XMPP_TLS_RECORD)
    self->bulk_until_us = now + JA_XMPP_BULK_HOLD_US;
  if (len % JA_XMPP_TLS_RECORD != 0) {
    gsize pad = JA_XMPP_TLS_RECORD - len % JA_XMPP_TLS_RECORD;

    g_byte_array_set_size (self->outbuf, len + pad);
    memset (self->outbuf->data + len, ' ', pad);
  }
  return TRUE;
}

void
ja_xmpp_stream_flush (JaXmppStream *self)
{
  if (!prepare_bulk (self))
    return;
  if (self->outbuf->len > 0)
    self->last_flush_us = g_get_monotonic_time ();
  while (self->outbuf->len > 0 && self->socket != NULL) {
    GError *error = NULL;
    gssize n;

    if (self->tls_active)
      n = ja_tls_send (self->tls, self->outbuf->data,
          MIN (self->outbuf->len, JA_XMPP_TLS_RECORD), &error);
    else
      n = g_socket_send_with_blocking (self->socket,
          (const char *) self->outbuf->data, self->outbuf->len, FALSE, NULL,
          &error);
    if (n < 0) {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK)) {
        g_error_free (error);
        ja_xmpp_stream_want_write (self);
        return;
      }
      ja_xmpp_stream_fail (self, g_error_new (JA_XMPP_STREAM_ERROR,
              JA_XMPP_STREAM_ERROR_CLOSED, "write to %s failed: %s",
              self->remote_address ? self->remote_address : self->domain,
              error->message));
      g_error_free (error);
      return;
    }
    g_byte_array_remove_range (self->outbuf, 0, n);
  }
}

static gboolean
flush_idle_cb (gpointer user_data)
{
  JaXmppStream *self = user_data;

  self->flush_idle_id = 0;
  ja_xmpp_stream_flush (self);
  return G_SOURCE_REMOVE;
}

void
ja_xmpp_stream_write_raw (JaXmppStream *self, const char *data, gssize len)
{
  if (self->socket == NULL)
    return;
  if (len < 0)
    len = strlen (data);
  g_byte_array_append (self->outbuf, (const guint8 *) data, len);
  /* Coalesce writes made in one main-loop iteration into few records. */
  if (self->flush_idle_id == 0 && self->out_source == NULL)
    self->flush_idle_id = g_idle_add_full (G_PRIORITY_HIGH, flush_idle_cb,
        self, NULL);
}

static JaXmlNode *
redact (const JaXmlNode *node)
{
  static const char *const secret[] = {
    "auth", "response", "challenge", "success", NULL
  };
  JaXmlNode *copy = ja_xml_node_copy (node);

  if (g_strcmp0 (node->ns, JA_NS_SASL) == 0
      && g_strv_contains (secret, node->name) && copy->text != NULL
      && copy->text->len > 0) {
    g_autofree char *note = g_strdup_printf ("[%zu bytes redacted]",
        copy->text->len);

    ja_xml_node_set_text (copy, note);
  }
  return copy;
}

void
ja_xmpp_stream_log_wire (JaXmppStream *self, JaXmppWireDirection dir,
    const JaXmlNode *node)
{
  g_autoptr (JaXmlNode) copy = NULL;

  if (self->wire_log == NULL)
    return;
  copy = redact (node);
  self->wire_log (dir, copy, self->wire_log_data);
}

void
ja_xmpp_stream_write_element (JaXmppStream *self, const JaXmlNode *node)
{
  g_autoptr (GString) out = g_string_sized_new (256);

  ja_xmpp_stream_log_wire (self, JA_XMPP_WIRE_SENT, node);
  ja_xml_writer_append (out, node, JA_NS_CLIENT);
  ja_xmpp_stream_write_raw (self, out->str, out->len);
}

