// Ready example queries, loaded as GraphiQL's default tabs and listed in the
// "Examples" sidebar plugin.

const cite = `citations { sourceId locator source { title url } }`;

export const EXAMPLES = [
  {
    title: 'The 20th meeting',
    query: `# The 20th meeting of SCO prosecutors general: attendees and sources
query Meeting20 {
  meeting(id: "meeting:sco-prosecutors-general-20") {
    id
    name
    startDate { text }
    place { name }
    attendancesCount
    attendances(first: 25) {
      attendee { id name kind }
      mode
      roles
      capacity { name }
      capacityStatus
      onBehalfOf { id name }
      ${cite}
    }
    ${cite}
  }
}
`,
  },
  {
    title: 'Who met whom',
    query: `# The people Igor Krasnov met, most shared meetings first
query MetWith {
  person(id: "person:igor-krasnov") {
    name
    metWith(first: 10) {
      totalCount
      nodes {
        person { id name }
        count
        firstDate { text }
        lastDate { text }
        meetings { id name }
      }
    }
  }
}
`,
  },
  {
    title: 'Office holder on a date',
    query: `# Who was Prosecutor General of Kazakhstan on 23 September 2022?
query HoldersAt {
  office(id: "office:prosecutor-general-kz") {
    name
    holdersAt(date: "2022-09-23") {
      person { id name }
      certainty
      tenure { start { text } end { text } acting }
      evidence { id kind }
    }
  }
}
`,
  },
  {
    title: 'Connection',
    query: `# Shortest paths between Igor Krasnov and Tushar Mehta
query Connection {
  connection(from: "person:igor-krasnov", to: "person:tushar-mehta", maxDepth: 4, first: 3) {
    length
    elements {
      __typename
      ... on Node { id name }
      ... on Relation { id kind }
    }
  }
}
`,
  },
  {
    title: 'Dashboard stats',
    query: `# Numbers behind the explorer's dashboard
query Stats {
  stats {
    nodes
    relations
    conflicts
    byKind { kind count }
    meetingsPerYear { year series { id name } count }
    attendanceByState(first: 10) { state { id name } count }
    attendanceByMode { mode count }
    documentsPerMeetingCount
    documentsPerMeeting(first: 10) { meeting { id name } documents signatures }
  }
}
`,
  },
  {
    title: 'Live changes',
    query: `# Subscribe, then change something over HTTP (or in another tab)
subscription Changes {
  changes { kind id entity }
}
`,
  },
];
