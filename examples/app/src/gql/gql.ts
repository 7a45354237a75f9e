/* eslint-disable */
import * as types from './graphql.js';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "mutation CreateAssignment($input: CreateAssignmentInput!) {\n  createAssignment(input: $input) {\n    ...AssignmentRow\n    course {\n      id\n    }\n  }\n}\n\nmutation CompleteAssignment($id: ID!) {\n  completeAssignment(id: $id) {\n    ...AssignmentRow\n  }\n}\n\nquery WeekAgenda($from: DateTime!, $to: DateTime!, $first: Int!) {\n  agenda(from: $from, to: $to, first: $first) {\n    edges {\n      node {\n        id\n        kind\n        title\n        scheduledAt\n        course {\n          id\n          name\n        }\n        ... on Assignment {\n          status\n          dueAt\n        }\n      }\n    }\n  }\n}\n\nsubscription TaskUpdates($courseId: ID) {\n  taskUpdates(courseId: $courseId) {\n    eventId\n    change\n    kind\n    taskId\n    courseId\n    occurredAt\n    task {\n      id\n      title\n    }\n  }\n}": typeof types.CreateAssignmentDocument,
    "mutation SignUp($input: SignUpInput!) {\n  signUp(input: $input) {\n    token\n    user {\n      id\n      firstName\n      lastName\n      email\n    }\n  }\n}\n\nmutation SignIn($input: SignInInput!) {\n  signIn(input: $input) {\n    token\n    user {\n      id\n      firstName\n    }\n  }\n}": typeof types.SignUpDocument,
    "mutation CreateCourse($input: CreateCourseInput!) {\n  createCourse(input: $input) {\n    id\n    name\n    code\n    color\n  }\n}\n\nquery CoursePage($id: ID!, $first: Int!) {\n  course(id: $id) {\n    id\n    name\n    code\n    instructor\n    term\n    assignments(first: $first) {\n      edges {\n        node {\n          ...AssignmentRow\n        }\n      }\n    }\n  }\n}\n\nmutation DeleteCourse($id: ID!) {\n  deleteCourse(id: $id) {\n    deletedId\n    deletionId\n  }\n}\n\nmutation RestoreCourse($id: ID!) {\n  restoreCourse(id: $id) {\n    id\n    name\n  }\n}": typeof types.CreateCourseDocument,
    "query HomeScreen($upcoming: Int!) {\n  me {\n    id\n    name\n    unreadCount\n    overdueCount\n    todayAgenda {\n      id\n      kind\n      title\n      scheduledAt\n      course {\n        id\n        name\n      }\n    }\n    upcomingAssignments(first: $upcoming) {\n      ...AssignmentRow\n    }\n  }\n}\n\nfragment AssignmentRow on Assignment {\n  id\n  title\n  dueAt\n  status\n  priority\n  completedAt\n}": typeof types.HomeScreenDocument,
    "query Notifications($first: Int!) {\n  me {\n    id\n    unreadCount\n    notifications(first: $first) {\n      edges {\n        node {\n          id\n          kind\n          title\n          body\n          read\n          createdAt\n        }\n      }\n    }\n  }\n}\n\nquery AppDeprecations($client: String!, $version: String!) {\n  apiInfo(client: $client, version: $version) {\n    client {\n      status\n      minimumVersion\n    }\n    clientDeprecations {\n      deprecation {\n        coordinate\n        replacement\n        sunset\n      }\n      operations\n      usageCount\n    }\n  }\n}": typeof types.NotificationsDocument,
};
const documents: Documents = {
    "mutation CreateAssignment($input: CreateAssignmentInput!) {\n  createAssignment(input: $input) {\n    ...AssignmentRow\n    course {\n      id\n    }\n  }\n}\n\nmutation CompleteAssignment($id: ID!) {\n  completeAssignment(id: $id) {\n    ...AssignmentRow\n  }\n}\n\nquery WeekAgenda($from: DateTime!, $to: DateTime!, $first: Int!) {\n  agenda(from: $from, to: $to, first: $first) {\n    edges {\n      node {\n        id\n        kind\n        title\n        scheduledAt\n        course {\n          id\n          name\n        }\n        ... on Assignment {\n          status\n          dueAt\n        }\n      }\n    }\n  }\n}\n\nsubscription TaskUpdates($courseId: ID) {\n  taskUpdates(courseId: $courseId) {\n    eventId\n    change\n    kind\n    taskId\n    courseId\n    occurredAt\n    task {\n      id\n      title\n    }\n  }\n}": types.CreateAssignmentDocument,
    "mutation SignUp($input: SignUpInput!) {\n  signUp(input: $input) {\n    token\n    user {\n      id\n      firstName\n      lastName\n      email\n    }\n  }\n}\n\nmutation SignIn($input: SignInInput!) {\n  signIn(input: $input) {\n    token\n    user {\n      id\n      firstName\n    }\n  }\n}": types.SignUpDocument,
    "mutation CreateCourse($input: CreateCourseInput!) {\n  createCourse(input: $input) {\n    id\n    name\n    code\n    color\n  }\n}\n\nquery CoursePage($id: ID!, $first: Int!) {\n  course(id: $id) {\n    id\n    name\n    code\n    instructor\n    term\n    assignments(first: $first) {\n      edges {\n        node {\n          ...AssignmentRow\n        }\n      }\n    }\n  }\n}\n\nmutation DeleteCourse($id: ID!) {\n  deleteCourse(id: $id) {\n    deletedId\n    deletionId\n  }\n}\n\nmutation RestoreCourse($id: ID!) {\n  restoreCourse(id: $id) {\n    id\n    name\n  }\n}": types.CreateCourseDocument,
    "query HomeScreen($upcoming: Int!) {\n  me {\n    id\n    name\n    unreadCount\n    overdueCount\n    todayAgenda {\n      id\n      kind\n      title\n      scheduledAt\n      course {\n        id\n        name\n      }\n    }\n    upcomingAssignments(first: $upcoming) {\n      ...AssignmentRow\n    }\n  }\n}\n\nfragment AssignmentRow on Assignment {\n  id\n  title\n  dueAt\n  status\n  priority\n  completedAt\n}": types.HomeScreenDocument,
    "query Notifications($first: Int!) {\n  me {\n    id\n    unreadCount\n    notifications(first: $first) {\n      edges {\n        node {\n          id\n          kind\n          title\n          body\n          read\n          createdAt\n        }\n      }\n    }\n  }\n}\n\nquery AppDeprecations($client: String!, $version: String!) {\n  apiInfo(client: $client, version: $version) {\n    client {\n      status\n      minimumVersion\n    }\n    clientDeprecations {\n      deprecation {\n        coordinate\n        replacement\n        sunset\n      }\n      operations\n      usageCount\n    }\n  }\n}": types.NotificationsDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation CreateAssignment($input: CreateAssignmentInput!) {\n  createAssignment(input: $input) {\n    ...AssignmentRow\n    course {\n      id\n    }\n  }\n}\n\nmutation CompleteAssignment($id: ID!) {\n  completeAssignment(id: $id) {\n    ...AssignmentRow\n  }\n}\n\nquery WeekAgenda($from: DateTime!, $to: DateTime!, $first: Int!) {\n  agenda(from: $from, to: $to, first: $first) {\n    edges {\n      node {\n        id\n        kind\n        title\n        scheduledAt\n        course {\n          id\n          name\n        }\n        ... on Assignment {\n          status\n          dueAt\n        }\n      }\n    }\n  }\n}\n\nsubscription TaskUpdates($courseId: ID) {\n  taskUpdates(courseId: $courseId) {\n    eventId\n    change\n    kind\n    taskId\n    courseId\n    occurredAt\n    task {\n      id\n      title\n    }\n  }\n}"): (typeof documents)["mutation CreateAssignment($input: CreateAssignmentInput!) {\n  createAssignment(input: $input) {\n    ...AssignmentRow\n    course {\n      id\n    }\n  }\n}\n\nmutation CompleteAssignment($id: ID!) {\n  completeAssignment(id: $id) {\n    ...AssignmentRow\n  }\n}\n\nquery WeekAgenda($from: DateTime!, $to: DateTime!, $first: Int!) {\n  agenda(from: $from, to: $to, first: $first) {\n    edges {\n      node {\n        id\n        kind\n        title\n        scheduledAt\n        course {\n          id\n          name\n        }\n        ... on Assignment {\n          status\n          dueAt\n        }\n      }\n    }\n  }\n}\n\nsubscription TaskUpdates($courseId: ID) {\n  taskUpdates(courseId: $courseId) {\n    eventId\n    change\n    kind\n    taskId\n    courseId\n    occurredAt\n    task {\n      id\n      title\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation SignUp($input: SignUpInput!) {\n  signUp(input: $input) {\n    token\n    user {\n      id\n      firstName\n      lastName\n      email\n    }\n  }\n}\n\nmutation SignIn($input: SignInInput!) {\n  signIn(input: $input) {\n    token\n    user {\n      id\n      firstName\n    }\n  }\n}"): (typeof documents)["mutation SignUp($input: SignUpInput!) {\n  signUp(input: $input) {\n    token\n    user {\n      id\n      firstName\n      lastName\n      email\n    }\n  }\n}\n\nmutation SignIn($input: SignInInput!) {\n  signIn(input: $input) {\n    token\n    user {\n      id\n      firstName\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation CreateCourse($input: CreateCourseInput!) {\n  createCourse(input: $input) {\n    id\n    name\n    code\n    color\n  }\n}\n\nquery CoursePage($id: ID!, $first: Int!) {\n  course(id: $id) {\n    id\n    name\n    code\n    instructor\n    term\n    assignments(first: $first) {\n      edges {\n        node {\n          ...AssignmentRow\n        }\n      }\n    }\n  }\n}\n\nmutation DeleteCourse($id: ID!) {\n  deleteCourse(id: $id) {\n    deletedId\n    deletionId\n  }\n}\n\nmutation RestoreCourse($id: ID!) {\n  restoreCourse(id: $id) {\n    id\n    name\n  }\n}"): (typeof documents)["mutation CreateCourse($input: CreateCourseInput!) {\n  createCourse(input: $input) {\n    id\n    name\n    code\n    color\n  }\n}\n\nquery CoursePage($id: ID!, $first: Int!) {\n  course(id: $id) {\n    id\n    name\n    code\n    instructor\n    term\n    assignments(first: $first) {\n      edges {\n        node {\n          ...AssignmentRow\n        }\n      }\n    }\n  }\n}\n\nmutation DeleteCourse($id: ID!) {\n  deleteCourse(id: $id) {\n    deletedId\n    deletionId\n  }\n}\n\nmutation RestoreCourse($id: ID!) {\n  restoreCourse(id: $id) {\n    id\n    name\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query HomeScreen($upcoming: Int!) {\n  me {\n    id\n    name\n    unreadCount\n    overdueCount\n    todayAgenda {\n      id\n      kind\n      title\n      scheduledAt\n      course {\n        id\n        name\n      }\n    }\n    upcomingAssignments(first: $upcoming) {\n      ...AssignmentRow\n    }\n  }\n}\n\nfragment AssignmentRow on Assignment {\n  id\n  title\n  dueAt\n  status\n  priority\n  completedAt\n}"): (typeof documents)["query HomeScreen($upcoming: Int!) {\n  me {\n    id\n    name\n    unreadCount\n    overdueCount\n    todayAgenda {\n      id\n      kind\n      title\n      scheduledAt\n      course {\n        id\n        name\n      }\n    }\n    upcomingAssignments(first: $upcoming) {\n      ...AssignmentRow\n    }\n  }\n}\n\nfragment AssignmentRow on Assignment {\n  id\n  title\n  dueAt\n  status\n  priority\n  completedAt\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query Notifications($first: Int!) {\n  me {\n    id\n    unreadCount\n    notifications(first: $first) {\n      edges {\n        node {\n          id\n          kind\n          title\n          body\n          read\n          createdAt\n        }\n      }\n    }\n  }\n}\n\nquery AppDeprecations($client: String!, $version: String!) {\n  apiInfo(client: $client, version: $version) {\n    client {\n      status\n      minimumVersion\n    }\n    clientDeprecations {\n      deprecation {\n        coordinate\n        replacement\n        sunset\n      }\n      operations\n      usageCount\n    }\n  }\n}"): (typeof documents)["query Notifications($first: Int!) {\n  me {\n    id\n    unreadCount\n    notifications(first: $first) {\n      edges {\n        node {\n          id\n          kind\n          title\n          body\n          read\n          createdAt\n        }\n      }\n    }\n  }\n}\n\nquery AppDeprecations($client: String!, $version: String!) {\n  apiInfo(client: $client, version: $version) {\n    client {\n      status\n      minimumVersion\n    }\n    clientDeprecations {\n      deprecation {\n        coordinate\n        replacement\n        sunset\n      }\n      operations\n      usageCount\n    }\n  }\n}"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;