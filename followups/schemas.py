import datetime as dt

from ninja import Field, Schema


class FollowUpOut(Schema):
    id: int
    store_id: int
    customer_id: int
    customer_name: str
    vehicle_id: int
    plate: str
    task_id: int
    kind: str
    visited_on: dt.date
    offset_days: int
    due_on: dt.date
    window_ends_on: dt.date
    attempts: int
    outcome: str
    recorded_at: dt.datetime | None
    issue_description: str
    resolution: str
    resolved_at: dt.datetime | None

    @staticmethod
    def resolve_customer_name(obj):
        return obj.customer.name

    @staticmethod
    def resolve_plate(obj):
        return obj.vehicle.plate


class FollowUpPage(Schema):
    items: list[FollowUpOut]
    count: int | None
    limit: int
    offset: int


class FollowUpRecordIn(Schema):
    outcome: str = Field(max_length=20)
    issue_description: str = Field("", max_length=2000)
    notes: str = Field("", max_length=500)


class FollowUpResolveIn(Schema):
    resolution: str = Field(max_length=2000)


class FollowUpMeasuresOut(Schema):
    due: int
    reached: int
    on_time: int
    issues: int
    resolved: int
    follow_up_rate: float | None
    on_time_rate: float | None
    issue_resolution_rate: float | None


class QuestionIn(Schema):
    text: str = Field(max_length=200)
    allows_comment: bool = False


class SurveyIn(Schema):
    store_id: int | None = None
    name: str = Field(max_length=100)
    questions: list[QuestionIn]


class QuestionOut(Schema):
    id: int
    position: int
    text: str
    allows_comment: bool


class SurveyOut(Schema):
    id: int
    store_id: int
    name: str
    is_active: bool
    questions: list[QuestionOut]

    @staticmethod
    def resolve_questions(obj):
        return list(obj.questions.all())


class InvitationIn(Schema):
    customer_id: int
    vehicle_id: int | None = None


class InvitationOut(Schema):
    id: int
    survey_id: int
    customer_id: int
    created_at: dt.datetime


class AnswerIn(Schema):
    question_id: int
    score: int
    comment: str = Field("", max_length=1000)


class SurveyAnswerIn(Schema):
    token: str = Field(max_length=200)
    answers: list[AnswerIn]


class SurveyAnswerOut(Schema):
    id: int
    lowest_score: int


class QuestionResultOut(Schema):
    id: int
    text: str
    average: float | None


class SurveyResultsOut(Schema):
    sent: int
    answered: int
    response_rate: float | None
    questions: list[QuestionResultOut]


class RetentionMeasuresOut(Schema):
    lost: int
    churn_risk: int
    win_back_rate: float | None
