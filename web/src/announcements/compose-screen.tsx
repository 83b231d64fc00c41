import { useEffect, useId, useState } from 'preact/hooks';
import type { Member, Subgroup } from '../api/types.ts';
import { useApp, useSession, useT } from '../app-context.ts';
import type { MessageKey } from '../i18n/translator.ts';
import { readJson, writeJson } from '../lib/key-value-store.ts';
import { hrefOf } from '../routing/route.ts';
import { navigate } from '../routing/use-route.ts';
import { ErrorText } from '../ui/field.tsx';
import { TopBar } from '../ui/top-bar.tsx';
import { useAction } from '../ui/use-action.ts';
import { emptyForm, fromAnnouncement, isProblem, toInput, type ComposeForm, type FormProblem } from './compose-form.ts';
import { useAnnouncementsApi } from './use-announcements-api.ts';

const ANSWERS = ['none', 'attendance', 'questionnaire', 'date_poll'] as const;
const KINDS = ['single', 'multiple', 'text'] as const;

/**
 * Writing an announcement: recipients (everyone, or chosen sub-groups and members), an answer
 * request (attendance ○ × △, a questionnaire, a date poll), a deadline, a time to send, email
 * on or off, attachments; send, schedule or keep as a draft. A new one is kept on the device
 * while it is written, so nothing typed is lost.
 */
export function ComposeScreen({ groupId, draftId }: { groupId: string; draftId?: string }) {
  const { t, error: errorText } = useT();
  const { api, storage } = useApp();
  const announcementsApi = useAnnouncementsApi();
  const session = useSession();
  const localKey = `renraku:compose:${session.user.id}:${groupId}`;
  const [form, setForm] = useState<ComposeForm | undefined>(() => (draftId ? undefined : { ...emptyForm(), ...readJson<Partial<ComposeForm>>(storage, localKey, {}) }));
  const [members, setMembers] = useState<Member[]>([]);
  const [subgroups, setSubgroups] = useState<Subgroup[]>([]);
  const [problem, setProblem] = useState<FormProblem | undefined>(undefined);
  const [uploading, setUploading] = useState(false);
  const action = useAction();
  const uid = useId();
  const id = (name: string) => `${uid}-${name}`;

  useEffect(() => {
    api.members(groupId).then(({ members: m }) => setMembers(m.filter((x) => x.user_id !== session.user.id)), () => undefined);
    api.subgroups(groupId).then(({ subgroups: s }) => setSubgroups(s), () => undefined);
    if (draftId) announcementsApi.get(draftId).then(({ announcement }) => setForm(fromAnnouncement(announcement)), (e: { code?: string }) => action.setError(errorText(e.code ?? 'internal')));
  }, [groupId, draftId]);
  useEffect(() => {
    if (form && !draftId) writeJson(storage, localKey, form);
  }, [form]);

  if (!form) return <div class="screen"><TopBar title={t('ann.new')} back={hrefOf({ name: 'group', groupId, tab: 'announcements' })} /><main class="content"><ErrorText text={action.error} /><p class="muted">{t('common.loading')}</p></main></div>;

  const set = (change: Partial<ComposeForm>) => setForm({ ...form, ...change });
  const toggle = (list: string[], value: string) => (list.includes(value) ? list.filter((x) => x !== value) : [...list, value]);
  const problemAt = (field: string) => (problem?.field === field ? t(`ann.problem.${problem.problem}` as MessageKey) : undefined);

  const submit = (draft: boolean) => {
    const input = toInput(form, draft);
    if (isProblem(input)) {
      setProblem(input);
      document.getElementById(id(input.field))?.focus();
      return;
    }
    setProblem(undefined);
    void action.run(async () => {
      const { announcement } = draftId ? await announcementsApi.update(draftId, input) : await announcementsApi.create(groupId, input);
      if (!draftId) storage.removeItem(localKey);
      navigate({ name: 'announcement', id: announcement.id }, true);
    });
  };
  const upload = async (files: FileList | null) => {
    if (!files || files.length === 0) return;
    setUploading(true);
    await action.run(async () => {
      const added: ComposeForm['attachments'] = [];
      for (const file of Array.from(files)) {
        const a = await announcementsApi.upload(groupId, file);
        added.push({ id: a.id, filename: a.filename, size: a.size });
      }
      setForm((held) => (held ? { ...held, attachments: [...held.attachments, ...added] } : held));
    });
    setUploading(false);
  };

  return (
    <div class="screen">
      <TopBar title={t('ann.new')} back={hrefOf({ name: 'group', groupId, tab: 'announcements' })} />
      <main class="content">
        <form class="stack" onSubmit={(e) => { e.preventDefault(); submit(false); }} aria-label={t('ann.new')}>
          <div class="field">
            <label for={id('title')}>{t('ann.title')}</label>
            <input id={id('title')} value={form.title} maxLength={200} onInput={(e) => set({ title: e.currentTarget.value })} aria-invalid={problem?.field === 'title'} />
            <ErrorText text={problemAt('title')} />
          </div>
          <div class="field">
            <label for={id('body')}>{t('ann.body')}</label>
            <textarea id={id('body')} value={form.body} rows={6} maxLength={20000} onInput={(e) => set({ body: e.currentTarget.value })} aria-invalid={problem?.field === 'body'} />
            <ErrorText text={problemAt('body')} />
          </div>

          <fieldset class="stack">
            <legend>{t('ann.recipients')}</legend>
            <label class="option"><input type="radio" name="audience" checked={form.audience === 'all'} onChange={() => set({ audience: 'all' })} /><span>{t('ann.everyone')}</span></label>
            <label class="option"><input id={id('recipients')} type="radio" name="audience" checked={form.audience === 'some'} onChange={() => set({ audience: 'some' })} /><span>{t('ann.choose')}</span></label>
            <ErrorText text={problemAt('recipients')} />
            {form.audience === 'some' && (
              <div class="stack picks">
                {subgroups.length > 0 && <p class="muted">{t('ann.subgroups')}</p>}
                {subgroups.map((s) => (
                  <label key={s.id} class="option"><input type="checkbox" checked={form.subgroupIds.includes(s.id)} onChange={() => set({ subgroupIds: toggle(form.subgroupIds, s.id) })} /><span>{s.name}</span></label>
                ))}
                <p class="muted">{t('ann.members')}</p>
                {members.map((m) => (
                  <label key={m.user_id} class="option"><input type="checkbox" checked={form.userIds.includes(m.user_id)} onChange={() => set({ userIds: toggle(form.userIds, m.user_id) })} /><span>{m.name}</span></label>
                ))}
              </div>
            )}
          </fieldset>

          <div class="field">
            <label for={id('answer')}>{t('ann.askAnswer')}</label>
            <select id={id('answer')} value={form.answer} onChange={(e) => set({ answer: e.currentTarget.value as ComposeForm['answer'] })}>
              {ANSWERS.map((a) => <option key={a} value={a}>{t(`ann.answer.${a}` as MessageKey)}</option>)}
            </select>
          </div>
          {form.answer === 'questionnaire' && form.questions.map((q, i) => {
            const setQ = (change: Partial<ComposeForm['questions'][number]>) => set({ questions: form.questions.map((x, j) => (j === i ? { ...x, ...change } : x)) });
            return (
              <fieldset key={i} class="stack card">
                <legend>{t('ann.question', { n: i + 1 })}</legend>
                <input id={id(`question-${i}`)} aria-label={t('ann.question', { n: i + 1 })} value={q.text} maxLength={500} onInput={(e) => setQ({ text: e.currentTarget.value })} />
                <ErrorText text={problemAt(`question-${i}`)} />
                <label class="field"><span>{t('ann.kind')}</span>
                  <select value={q.kind} onChange={(e) => setQ({ kind: e.currentTarget.value as (typeof KINDS)[number] })}>
                    {KINDS.map((k) => <option key={k} value={k}>{t(`ann.kind.${k}` as MessageKey)}</option>)}
                  </select>
                </label>
                {q.kind !== 'text' && (
                  <div class="field">
                    <label for={id(`options-${i}`)}>{t('ann.options')}</label>
                    <textarea id={id(`options-${i}`)} rows={3} value={q.options} onInput={(e) => setQ({ options: e.currentTarget.value })} />
                    <ErrorText text={problemAt(`options-${i}`)} />
                  </div>
                )}
                <label class="option"><input type="checkbox" checked={q.required} onChange={() => setQ({ required: !q.required })} /><span>{t('ann.required')}</span></label>
                {form.questions.length > 1 && <button class="button small" type="button" onClick={() => set({ questions: form.questions.filter((_, j) => j !== i) })}>{t('ann.remove')}</button>}
              </fieldset>
            );
          })}
          {form.answer === 'questionnaire' && (
            <button class="button" type="button" onClick={() => set({ questions: [...form.questions, { text: '', kind: 'single', options: '', required: true }] })}>{t('ann.addQuestion')}</button>
          )}
          {form.answer === 'date_poll' && form.slots.map((s, i) => (
            <div key={i} class="stack card">
              <label for={id(`slot-${i}`)}>{t('ann.slot', { n: i + 1 })}</label>
              <input id={id(`slot-${i}`)} type="datetime-local" value={s.start} onInput={(e) => set({ slots: form.slots.map((x, j) => (j === i ? { ...x, start: e.currentTarget.value } : x)) })} />
              <ErrorText text={problemAt(`slot-${i}`)} />
              <input aria-label={t('ann.slotLabel', { n: i + 1 })} placeholder={t('ann.slotLabel', { n: i + 1 })} value={s.label} maxLength={200} onInput={(e) => set({ slots: form.slots.map((x, j) => (j === i ? { ...x, label: e.currentTarget.value } : x)) })} />
              {form.slots.length > 1 && <button class="button small" type="button" onClick={() => set({ slots: form.slots.filter((_, j) => j !== i) })}>{t('ann.remove')}</button>}
            </div>
          ))}
          {form.answer === 'date_poll' && (
            <button class="button" type="button" onClick={() => set({ slots: [...form.slots, { start: '', label: '' }] })}>{t('ann.addSlot')}</button>
          )}
          {form.answer !== 'none' && (
            <TimeField id={id('deadline')} label={t('ann.deadlineField')} value={form.deadline} problem={problemAt('deadline')} onInput={(deadline) => set({ deadline })} />
          )}

          <label class="option"><input type="checkbox" checked={form.sendLater} onChange={() => set({ sendLater: !form.sendLater })} /><span>{t('ann.sendLater')}</span></label>
          {form.sendLater && (
            <TimeField id={id('send-at')} label={t('ann.sendAtField')} value={form.sendAt} problem={problemAt('send-at')} onInput={(sendAt) => set({ sendAt })} />
          )}
          <label class="option"><input type="checkbox" checked={form.email} onChange={() => set({ email: !form.email })} /><span>{t('ann.email')}</span></label>

          <div class="field">
            <label for={id('files')}>{t('ann.attach')}</label>
            <input id={id('files')} type="file" multiple disabled={uploading} onChange={(e) => void upload(e.currentTarget.files)} />
            {uploading && <p role="status">{t('ann.uploading')}</p>}
            {form.attachments.length > 0 && (
              <ul class="attachments">
                {form.attachments.map((f) => (
                  <li key={f.id}>{f.filename} <span class="muted">({Math.ceil(f.size / 1024)} KB)</span>{' '}
                    <button class="button small" type="button" onClick={() => set({ attachments: form.attachments.filter((x) => x.id !== f.id) })}>{t('ann.remove')}</button>
                  </li>
                ))}
              </ul>
            )}
          </div>

          <ErrorText text={action.error} />
          <div class="row">
            <button class="button" type="button" disabled={action.busy || uploading} onClick={() => submit(true)}>{t('ann.saveDraft')}</button>
            <button class="button primary" type="submit" disabled={action.busy || uploading}>{form.sendLater ? t('ann.schedule') : t('ann.send')}</button>
          </div>
        </form>
      </main>
    </div>
  );
}

/** A labelled `datetime-local` input (in the device's time zone) with its problem, if any. */
function TimeField({ id, label, value, problem, onInput }: { id: string; label: string; value: string; problem: string | undefined; onInput(value: string): void }) {
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <input id={id} type="datetime-local" value={value} aria-invalid={problem !== undefined} onInput={(e) => onInput(e.currentTarget.value)} />
      <ErrorText text={problem} />
    </div>
  );
}
