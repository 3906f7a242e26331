/* audio-native-rx.c — the receive half of the native audio engine (see
 * audio-native-private.h): what ja_audio_native_receive does on the
 * transport's thread (RTP/RTCP parsing, RFC 3550 statistics, RFC 4733
 * digits, queueing; the very first packet decoded at once) and what the
 * media thread does with it every tick (the jitter buffer, Opus/G.711
 * decoding, concealment, the WAV recorder). */
#include "media/audio-native-private.h"

#include <string.h>

/* RFC 3550 A.3: the report block about the peer's stream. Locked. */
void
ja_audio_native_fill_block (JaAudioNative *self, gint64 now, JaRtcpReportBlock *b)
{
  RxStats *rx = &self->rx;
  guint32 ext_max = rx->cycles + rx->max_seq;
  guint32 expected = ext_max - rx->base_seq + 1;
  gint64 lost = (gint64)expected - rx->received;
  guint32 exp_int = expected - rx->expected_prior;
  guint32 rec_int = rx->received - rx->received_prior;
  gint64 lost_int = (gint64)exp_int - rec_int;

  memset (b, 0, sizeof *b);
  b->ssrc = rx->ssrc;
  b->cumulative_lost = (gint32)CLAMP (lost, -0x800000, 0x7fffff);
  b->fraction_lost = exp_int == 0 || lost_int <= 0
                         ? 0
                         : (guint8)MIN (255, (lost_int << 8) / exp_int);
  b->highest_seq = ext_max;
  b->jitter = (guint32)rx->jitter;
  if (rx->sr_arrival_us != 0) {
    b->lsr = rx->sr_ntp_mid;
    b->dlsr = (guint32)((now - rx->sr_arrival_us) * 65536 / G_USEC_PER_SEC);
  }
  rx->expected_prior = expected;
  rx->received_prior = rx->received;
}

/* --- playout ---------------------------------------------------------------- */

static void
fifo_add_g711 (JaAudioNative *self, const guint8 *data, gsize n, CodecKind k)
{
  n = MIN (n, (FIFO_CAP - self->fifo_len) / 6);
  for (gsize i = 0; i < n; i++) {
    int s = k == CODEC_PCMU ? ja_g711_ulaw_decode (data[i])
                            : ja_g711_alaw_decode (data[i]);
    int prev = self->last_g711;

    /* 8 → 48 kHz by linear interpolation (one sample of delay). */
    for (int j = 1; j <= 6; j++)
      self->fifo[self->fifo_len++] = (gint16)(prev + (s - prev) * j / 6);
    self->last_g711 = (gint16)s;
  }
}

/* Decodes one packet into the FIFO; FALSE when it yields nothing. */
static gboolean
decode_packet (JaAudioNative *self, const JbPacket *p)
{
  CodecKind k = self->recv_kind[p->pt & 127];

  if (k == CODEC_OPUS) {
    int n;

    if (self->dec == NULL) {
      int err;

      self->dec = opus_decoder_create (MIX_RATE, 1, &err);
      if (self->dec == NULL)
        return FALSE;
    }
    if (p->len == 0)
      return FALSE;
    n = opus_decode (self->dec, p->payload, (opus_int32)p->len,
                     self->fifo + self->fifo_len, OPUS_MAX_FRAME, 0);
    if (n <= 0)
      return FALSE; /* not Opus after all: concealed by the caller */
    self->fifo_len += (gsize)n;
  } else if (k == CODEC_PCMU || k == CODEC_PCMA) {
    if (p->len == 0)
      return FALSE;
    fifo_add_g711 (self, p->payload, p->len, k);
  } else {
    return FALSE;
  }
  self->last_kind = k;
  self->concealed = 0;
  return TRUE;
}

/* 20 ms for a frame that is not there: Opus PLC for a while, then
 * silence. */
static void
conceal (JaAudioNative *self)
{
  gint16 *out = self->fifo + self->fifo_len;

  if (self->last_kind == CODEC_OPUS && self->dec != NULL
      && self->concealed < PLC_MAX_FRAMES
      && opus_decode (self->dec, NULL, 0, out, MIX_FRAME, 0) == MIX_FRAME) {
    self->concealed++;
  } else {
    memset (out, 0, MIX_FRAME * sizeof *out);
  }
  self->fifo_len += MIX_FRAME;
}

void
ja_audio_native_jb_clear (JaAudioNative *self)
{
  JbPacket *p;

  while ((p = g_queue_pop_head (&self->jb)) != NULL)
    g_free (p);
}

/* Ordered by sequence from play_seq; late packets and duplicates are
 * dropped (a late one was counted lost when its turn was skipped). */
static void
jb_insert (JaAudioNative *self, JbPacket *p)
{
  gint16 d;
  GList *l;

  if (p->ssrc != self->jb_ssrc) { /* a new source: start over */
    ja_audio_native_jb_clear (self);
    self->jb_ssrc = p->ssrc;
    self->play_seq = p->seq;
  }
  d = (gint16)(p->seq - self->play_seq);
  if (d < -JB_RESTART_BEHIND) {
    /* Far behind: not a late packet but a sender that restarted its
     * sequence (RFC 3550 A.3's "large jump"): follow it. */
    ja_audio_native_jb_clear (self);
    self->play_seq = p->seq;
    d = 0;
  } else if (d < 0) {
    g_free (p);
    return;
  }
  for (l = self->jb.head; l != NULL; l = l->next) {
    gint16 e = (gint16)(((JbPacket *)l->data)->seq - self->play_seq);

    if (e == d) {
      g_free (p);
      return;
    }
    if (e > d)
      break;
  }
  if (l == NULL)
    g_queue_push_tail (&self->jb, p);
  else
    g_queue_insert_before (&self->jb, l, p);
  /* Too far behind (a burst after a stall): skip ahead. */
  while (self->jb.length > JB_MAX_PACKETS) {
    g_free (g_queue_pop_head (&self->jb));
    self->play_seq = ((JbPacket *)self->jb.head->data)->seq;
  }
}

/* One jitter-buffer step: the next packet decoded, a missing one
 * concealed (and counted lost), or — nothing there yet — concealment
 * without moving on, so a packet that is merely late still plays. When
 * nothing has come for a while (the peer stopped sending: end of its file,
 * a DTMF event) nothing is played, as with GStreamer: FALSE. */
static gboolean
jb_step (JaAudioNative *self)
{
  JbPacket *head = g_queue_peek_head (&self->jb);

  if (head == NULL) {
    if (++self->underruns > PLC_MAX_FRAMES)
      return FALSE;
    conceal (self);
    return TRUE;
  }
  self->underruns = 0;
  if (head->seq == self->play_seq) {
    g_queue_pop_head (&self->jb);
    self->play_seq++;
    /* Not audio (telephone-event, a payload type we cannot decode): it
     * only keeps the sequence. */
    if (self->recv_kind[head->pt & 127] != CODEC_NONE
        && !decode_packet (self, head))
      conceal (self);
    g_free (head);
  } else {
    g_mutex_lock (&self->lock);
    self->packets_lost++;
    g_mutex_unlock (&self->lock);
    self->play_seq++;
    conceal (self);
  }
  return TRUE;
}

static void
play (JaAudioNative *self, const gint16 *pcm, gsize n)
{
  if (self->recorder != NULL)
    ja_wav_writer_write (self->recorder, pcm, n);
}

void
ja_audio_native_playout_tick (JaAudioNative *self)
{
  g_autoptr (GPtrArray) arrived = NULL;
  gboolean started;

  g_mutex_lock (&self->lock);
  started = self->jb_started;
  if (started && self->inbound->len > 0) {
    arrived = self->inbound;
    self->inbound = g_ptr_array_new_with_free_func (g_free);
    g_ptr_array_set_free_func (arrived, NULL); /* jb_insert takes them */
  }
  g_mutex_unlock (&self->lock);
  if (!started)
    return;
  for (guint i = 0; arrived != NULL && i < arrived->len; i++)
    jb_insert (self, arrived->pdata[i]);
  for (guint guard = 0; self->fifo_len < MIX_FRAME && guard < 64; guard++)
    if (!jb_step (self))
      break;
  if (self->fifo_len < MIX_FRAME)
    return;
  play (self, self->fifo, MIX_FRAME);
  self->fifo_len -= MIX_FRAME;
  memmove (self->fifo, self->fifo + MIX_FRAME,
           self->fifo_len * sizeof *self->fifo);
}

/* --- receive (any thread) ----------------------------------------------------- */

/* A telephone-event packet: the digits it ends go to the creator. Locked. */
static void
receive_telephone_event (JaAudioNative *self, guint32 ts, const JaRtpEvent *ev)
{
  JaRtpEventReport rep[2];
  guint n = ja_rtp_event_receiver_feed (&self->rx_dtmf, ts, ev, rep);

  self->dtmf_received += n;
  for (guint i = 0; i < n; i++)
    ja_audio_native_push_event (
        self, ja_media_audio_dtmf_event_new (&self->config, &rep[i]));
}

/* RFC 3550 A.3 (sequence) and A.8 (jitter). Locked. */
static void
update_rx_stats (JaAudioNative *self, const JaRtpHeader *h, guint rate)
{
  RxStats *rx = &self->rx;
  gint64 arrival, transit;

  if (!rx->have_seq || h->ssrc != rx->ssrc) {
    memset (rx, 0, sizeof *rx);
    rx->have_seq = TRUE;
    rx->ssrc = h->ssrc;
    rx->base_seq = rx->max_seq = h->seq;
  } else {
    guint16 delta = (guint16)(h->seq - rx->max_seq);

    if (delta < 3000) {
      if (h->seq < rx->max_seq)
        rx->cycles += 65536;
      rx->max_seq = h->seq;
    } else if (delta <= 65536 - 100) { /* a jump: start over */
      rx->cycles = 0;
      rx->base_seq = rx->max_seq = h->seq;
      rx->received = rx->expected_prior = rx->received_prior = 0;
    }
  }
  rx->received++;
  if (rate == 0)
    return;
  arrival = g_get_monotonic_time () * rate / G_USEC_PER_SEC;
  transit = arrival - h->timestamp;
  if (rx->have_transit) {
    gint64 d = transit - rx->transit;

    rx->jitter += ((double)ABS (d) - rx->jitter) / 16;
  }
  rx->transit = transit;
  rx->have_transit = TRUE;
}

static void
receive_rtcp (JaAudioNative *self, const guint8 *data, gsize len)
{
  JaRtcpInfo info;

  ja_rtcp_parse (data, len, self->ssrc, &info);
  g_mutex_lock (&self->lock);
  if (info.have_sr) {
    self->rx.sr_ntp_mid = info.sr_ntp_mid;
    self->rx.sr_arrival_us = g_get_monotonic_time ();
  }
  if (info.have_block)
    self->peer_packets_lost = info.block.cumulative_lost;
  g_mutex_unlock (&self->lock);
}

/* The very first audio packet, decoded on the spot and written to the
 * recorder: the first audio is out when the packet is in. Locked. */
static void
start_playout (JaAudioNative *self, JbPacket *p)
{
  if (!decode_packet (self, p)) {
    g_free (p);
    return;
  }
  self->jb_ssrc = p->ssrc;
  self->play_seq = p->seq + 1;
  play (self, self->fifo, self->fifo_len);
  self->fifo_len = 0;
  self->jb_started = TRUE;
  g_free (p);
  ja_audio_native_push_simple_event (self, EV_FIRST_MEDIA);
}

void
ja_audio_native_receive (JaAudioNative *self, const guint8 *data, gsize len)
{
  JaRtpHeader hdr;
  JaRtpEvent ev;
  JbPacket *p;
  CodecKind k;
  gboolean is_event;

  if (ja_rtp_is_rtcp (data, len)) {
    receive_rtcp (self, data, len);
    return;
  }
  if (!ja_rtp_header_parse (data, len, &hdr))
    return; /* not RTP: the peer's problem, not worth a log line */
  k = self->recv_kind[hdr.pt];
  is_event = self->config.dtmf_pt != 0 && hdr.pt == self->config.dtmf_pt;
  p = g_malloc (sizeof *p + hdr.payload_len);
  p->seq = hdr.seq;
  p->ssrc = hdr.ssrc;
  p->pt = hdr.pt;
  /* An event is kept in sequence, never decoded (recv_kind: none). */
  p->len = is_event ? 0 : hdr.payload_len;
  memcpy (p->payload, data + hdr.payload_offset, p->len);

  g_mutex_lock (&self->lock);
  self->packets_received++;
  self->bytes_received += len;
  if (self->config.hdrext_audio_level_id != 0) {
    const guint8 *v;
    gsize vlen;

    /* RFC 6464: one byte; the two-byte form (RFC 8285 §4.3) can carry an
     * empty element, which says nothing. */
    if (ja_rtp_hdrext_find (data, len, self->config.hdrext_audio_level_id, &v,
                            &vlen) && vlen >= 1)
      self->peer_level = v[0];
  }
  update_rx_stats (self, &hdr,
                   k == CODEC_OPUS ? 48000
                   : k != CODEC_NONE ? 8000
                   : 0);
  if (is_event && ja_rtp_event_parse (data + hdr.payload_offset,
                                      hdr.payload_len, &ev))
    receive_telephone_event (self, hdr.timestamp, &ev);
  if (!self->config.receive) {
    g_free (p);
  } else if (self->jb_started) {
    if (self->inbound->len < JB_MAX_INBOUND)
      g_ptr_array_add (self->inbound, p);
    else
      g_free (p);
  } else if (k != CODEC_NONE && !is_event) {
    start_playout (self, p);
  } else {
    g_free (p);
  }
  g_mutex_unlock (&self->lock);
}
