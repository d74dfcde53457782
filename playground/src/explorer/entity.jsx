// Entity pages: which page shows an id. Each page is its own file under
// pages/ (person, meeting, relation and conflict, and one for every other
// kind); what they share is in pages/common.jsx, and every long list is a
// `PagedTable` (ui.jsx): the page query asks for the first `PAGE` rows and
// the count of each list, and "more" fetches the next rows by offset. Every
// record's history follows its page, deleted records' too (history.jsx).
import { HistoryPanel } from './history.jsx';
import { kindOf } from './ui.jsx';
import { MeetingPage } from './pages/meeting.jsx';
import { NodePage } from './pages/node.jsx';
import { PersonPage } from './pages/person.jsx';
import { ConflictPage, RelationPage } from './pages/record.jsx';

function Page({ id }) {
  const kind = kindOf(id);
  if (kind === 'person') return <PersonPage id={id} />;
  if (kind === 'meeting') return <MeetingPage id={id} />;
  if (kind === 'rel') return <RelationPage id={id} />;
  if (kind === 'conflict') return <ConflictPage id={id} />;
  return <NodePage id={id} />;
}

export function EntityPage({ id }) {
  return (
    <>
      <Page id={id} />
      <HistoryPanel id={id} />
    </>
  );
}
