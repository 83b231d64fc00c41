import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { diagnosticCode, findDeliveryReport, parseDeliveryStatus } from '../../src/mail/feedback/dsn.ts';
import { readReplyAnswer } from '../../src/mail/feedback/reply-answer.ts';
import { crlf, dsn } from './mail-fixtures.ts';

describe('delivery status notifications (RFC 3464)', () => {
  test('hard beats soft across recipient blocks; folded fields are unfolded', () => {
    const report = parseDeliveryStatus('Reporting-MTA: dns; mx\n\nFinal-Recipient: rfc822; a@x\nAction: delayed\nStatus: 4.4.7\n\nFinal-Recipient: rfc822; b@x\nAction: failed\nStatus: 5.7.1 (refused)\nDiagnostic-Code: smtp; 554 5.7.1\n  policy\n');
    assert.equal(report.severity, 'hard');
    assert.equal(report.decisive?.finalRecipient, 'b@x');
    assert.equal(report.decisive?.status, '5.7.1');
    assert.equal(report.decisive?.diagnostic, 'smtp; 554 5.7.1 policy');
    assert.equal(diagnosticCode(report.decisive?.diagnostic), 554);
  });

  test('failed with 4.x.x is soft; delivered is nothing; a mail without a report has none', () => {
    assert.equal(parseDeliveryStatus('Final-Recipient: rfc822; a@x\nAction: failed\nStatus: 4.2.2\n').severity, 'soft');
    assert.equal(parseDeliveryStatus('Final-Recipient: rfc822; a@x\nAction: delivered\nStatus: 2.0.0\n').severity, undefined);
    assert.equal(findDeliveryReport(crlf('From: a@x\nSubject: out of office\n\nI am away.\n')), undefined);
  });

  test('found in a real multipart/report, and in a base64 global-delivery-status nested in multipart/mixed', () => {
    const postfix = findDeliveryReport(dsn({ verp: 'bounces+x@l', recipient: 'a@example.org', action: 'failed', status: '5.1.1' }));
    assert.equal(postfix?.severity, 'hard');
    assert.equal(postfix?.decisive?.finalRecipient, 'a@example.org');
    const status = Buffer.from('Reporting-MTA: dns; mx\r\n\r\nFinal-Recipient: utf-8; 愛子@example.jp\r\nAction: delayed\r\nStatus: 4.4.1\r\n').toString('base64');
    const nested = crlf(`From: MAILER-DAEMON@x\nContent-Type: multipart/mixed; boundary=outer\n\n--outer\nContent-Type: multipart/report; report-type=global-delivery-status; boundary="in ner"\n\n--in ner\nContent-Type: text/plain\n\nDelayed.\n--in ner\nContent-Type: message/global-delivery-status\nContent-Transfer-Encoding: base64\n\n${status}\n--in ner--\n--outer--\n`);
    const report = findDeliveryReport(nested);
    assert.equal(report?.severity, 'soft');
    assert.equal(report?.decisive?.finalRecipient, '愛子@example.jp');
  });
});

describe('answers in replies', () => {
  test('quotes and signatures are not the answer; no mark leaves the text as a comment', () => {
    assert.deepEqual(readReplyAnswer('> ○\n\nx\n'), { choice: 'no', comment: null });
    assert.deepEqual(readReplyAnswer('ok\n○\n'), { choice: undefined, comment: 'ok\n○' });
    assert.deepEqual(readReplyAnswer('x-ray tomorrow'), { choice: undefined, comment: 'x-ray tomorrow' });
    assert.deepEqual(readReplyAnswer('? what time\n'), { choice: undefined, comment: '? what time' });
    assert.deepEqual(readReplyAnswer('❌️ 欠席\n-- \nsig'), { choice: 'no', comment: '欠席' });
    assert.deepEqual(readReplyAnswer('\n\n'), { choice: undefined, comment: null });
    assert.deepEqual(readReplyAnswer('On Sun, Nov 29, 2026 Renraku wrote:\n> ○'), { choice: undefined, comment: null });
  });
});
