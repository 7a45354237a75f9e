import type { GraphiQLOptions } from 'graphql-yoga';

/**
 * GraphiQL at GET /graphql (browsers), with its scripts, styles, editor workers and favicon
 * inlined by @graphql-yoga/render-graphiql: the page loads nothing from a CDN, so it works
 * offline, behind a firewall and in CI. Yoga's own renderer would fetch them from unpkg.com.
 */

const HEADERS_TO_PASTE = `{
  "Authorization": "Bearer <paste the token from SignUp (or SignIn)>"
}`;

/** The newcomer's session, run in order with the ▶ button (it asks which operation). */
export const SESSION_OPERATIONS = `# Welcome to the Study Planner API.
# Run these in order with the ▶ button (it asks which operation):
#  1. SignUp (or SignIn if the account exists): copy "token" into the Headers tab below.
#  2. CreateCourse: copy the course "id" into the Variables tab below.
#  3. AddAssignment, then 4. HomeScreen.
#  5. Open this page in a second window, run TaskUpdates (second tab) there,
#     then run AddAssignment here again: the change appears there.
# Deprecated fields show their sunset date in the Docs (book icon on the left).

mutation SignUp {
  signUp(input: { email: "ada@example.com", password: "correct horse battery", firstName: "Ada", lastName: "Lovelace" }) {
    token
    user { id email firstName }
  }
}

mutation SignIn {
  signIn(input: { email: "ada@example.com", password: "correct horse battery" }) {
    token
  }
}

mutation CreateCourse {
  createCourse(input: { name: "Linear Algebra", code: "MATH 221", term: "2026 Fall" }) {
    id
    name
  }
}

mutation AddAssignment($courseId: ID!) {
  createAssignment(input: { courseId: $courseId, title: "Problem set 1", dueAt: "2027-01-15T17:00:00Z", priority: HIGH }) {
    id
    title
    dueAt
    status
  }
}

query HomeScreen {
  me {
    firstName
    overdueCount
    todayAgenda { kind title scheduledAt }
    upcomingAssignments(first: 5) { title dueAt status course { name } }
  }
}
`;

export const SUBSCRIPTION_OPERATION = `# Run this in a second window, then AddAssignment (first tab) in the first: each change arrives here.
subscription TaskUpdates {
  taskUpdates {
    change
    occurredAt
    task { kind title scheduledAt }
  }
}
`;

/** What createYoga's `graphiql` option takes. */
export const graphiqlOptions: GraphiQLOptions = {
  title: 'Study Planner API',
  defaultTabs: [
    {
      query: SESSION_OPERATIONS,
      variables: '{\n  "courseId": "<paste the id from CreateCourse>"\n}',
      headers: HEADERS_TO_PASTE,
    },
    { query: SUBSCRIPTION_OPERATION, headers: HEADERS_TO_PASTE },
  ],
  // Deprecated arguments and input fields too, with their reasons (which carry the sunset date).
  inputValueDeprecation: true,
};

let rendered: { key: string; html: string } | undefined;

/**
 * What createYoga's `renderGraphiQL` option takes. The page is ~9 MB of inlined assets and the
 * options never change in a process: it is rendered once. The renderer is imported on the first
 * page asked for: its module is a 9 MB string literal that held ~30 MB of heap in every process,
 * GRAPHIQL=false (production) included.
 */
export async function renderGraphiQL(options: GraphiQLOptions): Promise<string> {
  const key = JSON.stringify(options);
  if (rendered?.key !== key) {
    const { renderGraphiQL: renderInlinedGraphiQL } = await import('@graphql-yoga/render-graphiql');
    rendered = { key, html: renderInlinedGraphiQL(options) };
  }
  return rendered.html;
}
