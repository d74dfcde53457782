// Entity pages: which page shows an id. Each page is its own file under
// pages/ (person, meeting, and one for every other kind); what they share is
// in pages/common.jsx, and every long list is a `PagedTable` (ui.jsx): the
// page query asks for the first `PAGE` rows and the count of each list, and
// "more" fetches the next rows by offset.
import { kindOf } from './ui.jsx';
import { MeetingPage } from './pages/meeting.jsx';
import { NodePage } from './pages/node.jsx';
import { PersonPage } from './pages/person.jsx';

export function EntityPage({ id }) {
  const kind = kindOf(id);
  if (kind === 'person') return <PersonPage id={id} />;
  if (kind === 'meeting') return <MeetingPage id={id} />;
  return <NodePage id={id} />;
}
